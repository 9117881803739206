package io.steward.cli;

import io.steward.backup.ScheduleStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** {@code scheduler:} checked: where the schedule lives, and for a shared one, its database. */
final class ScheduleSettings {

    static final String DEFAULT_PREFIX = "QRTZ_";
    static final Duration DEFAULT_CHECKIN = Duration.ofSeconds(7);

    private ScheduleSettings() {}

    static ScheduleStore of(StewardConfig.Scheduler scheduler, ConfigFile file, Map<String, String> env) {
        String store =
                scheduler.store() == null ? "memory" : scheduler.store().trim().toLowerCase(Locale.ROOT);
        switch (store) {
            case "memory" -> {
                if (scheduler.jdbc() != null) {
                    throw new ConfigException(file.at("scheduler.jdbc")
                            + ": is read only with scheduler.store: jdbc (the store is memory)");
                }
                return new ScheduleStore.Memory();
            }
            case "jdbc" -> {
                return jdbc(scheduler.jdbc(), file, env);
            }
            default ->
                throw new ConfigException(file.at("scheduler.store") + ": '" + scheduler.store()
                        + "' is not memory or jdbc (jdbc shares the schedule between agents through PostgreSQL)");
        }
    }

    private static ScheduleStore.Jdbc jdbc(StewardConfig.Jdbc jdbc, ConfigFile file, Map<String, String> env) {
        if (jdbc == null || jdbc.url() == null || jdbc.url().isBlank()) {
            throw new ConfigException(file.at("scheduler.jdbc.url")
                    + ": is required with scheduler.store: jdbc, for example jdbc:postgresql://db:5432/steward");
        }
        String url = jdbc.url().trim();
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException(file.at("scheduler.jdbc.url") + ": '" + url
                    + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database)");
        }
        if (url.contains("password=")) {
            throw new ConfigException(file.at("scheduler.jdbc.url")
                    + ": holds a password; give it with scheduler.jdbc.password-file or password-env instead");
        }
        Credentials login = Credentials.fromConfig(
                jdbc.username(),
                jdbc.passwordFile(),
                jdbc.passwordEnv(),
                file,
                "scheduler.jdbc",
                "password-file",
                "password-env",
                env);
        String prefix =
                jdbc.tablePrefix() == null ? DEFAULT_PREFIX : jdbc.tablePrefix().trim();
        ScheduleStore.Jdbc.problemWithPrefix(prefix).ifPresent(problem -> {
            throw new ConfigException(file.at("scheduler.jdbc.table-prefix") + ": " + problem);
        });
        Duration checkin = jdbc.checkinInterval() == null
                ? DEFAULT_CHECKIN
                : Durations.parse(jdbc.checkinInterval(), file.at("scheduler.jdbc.checkin-interval"));
        if (checkin.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(file.at("scheduler.jdbc.checkin-interval") + ": must be at least 1s");
        }
        return new ScheduleStore.Jdbc(url, login.username(), login.password(), prefix, checkin);
    }
}
