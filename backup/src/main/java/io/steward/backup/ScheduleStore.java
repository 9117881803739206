package io.steward.backup;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the schedule of backups and drills lives: in this agent's memory, or in a database that several agents share
 * (Quartz's clustered JDBC job store on PostgreSQL), so that each scheduled job runs on exactly one of them.
 */
public sealed interface ScheduleStore {

    /** This agent's own schedule: nothing to set up, nothing shared. */
    record Memory() implements ScheduleStore {}

    /**
     * A schedule shared through PostgreSQL.
     *
     * @param url {@code jdbc:postgresql://host:5432/db}
     * @param password empty for none; never shown by {@link #toString()}
     * @param tablePrefix the prefix of the schedule's tables ({@code QRTZ_}); deployments that must not share a
     *     schedule use different prefixes
     * @param checkinInterval how often each agent tells the others it is alive; one silent for about twice as long is
     *     taken for dead and its jobs are recovered
     */
    record Jdbc(String url, String username, String password, String tablePrefix, Duration checkinInterval)
            implements ScheduleStore {

        private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,29}");

        public Jdbc {
            Objects.requireNonNull(url, "url");
            username = username == null ? "" : username;
            password = password == null ? "" : password;
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            Objects.requireNonNull(checkinInterval, "checkinInterval");
        }

        /** Why a table prefix cannot be used (it goes into SQL as a name), else empty. */
        public static Optional<String> problemWithPrefix(String prefix) {
            if (PREFIX.matcher(prefix).matches()) {
                return Optional.empty();
            }
            return Optional.of("'" + prefix + "' is not a table prefix: letters, digits and _ only,"
                    + " not starting with a digit, at most 30 characters");
        }

        /** The database without credentials, for messages. */
        public String where() {
            return url + (username.isEmpty() ? "" : " as " + username);
        }

        @Override
        public String toString() {
            return "Jdbc[" + where() + ", prefix " + tablePrefix + "]";
        }
    }
}
