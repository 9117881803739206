package io.steward.backup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * How a restore drill of one backup (or a Cluster's backup set, shard by shard) went. A drill never throws for what
 * it finds: a failure is a result with its {@link #reason()}.
 *
 * @param target the target the backup is of; null only for a drill of a backup id the store does not hold
 * @param backupId the backup drilled; null when there was none to drill
 * @param reason null when the drill passed
 * @param message what was found, in a sentence: the failure and what to do, or what matched
 * @param parts the backup's one RDB ({@code dump}) or each shard of a set, as far as the drill got
 * @param perKeyDigests whether per-key digests were compared: {@value RestoreDrill#DIGESTS_NOT_RECORDED} while the
 *     manifest records none
 */
public record DrillResult(
        String target,
        String backupId,
        Mode mode,
        DrillFailure reason,
        String message,
        Duration took,
        List<Part> parts,
        String perKeyDigests) {

    /** How the backup was loaded: into a scratch redis-server, or only parsed. */
    public enum Mode {
        REDIS_SERVER("redis-server"),
        PARSE_ONLY("parse-only");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Mode of(Optional<?> redisServer) {
            return redisServer.isPresent() ? REDIS_SERVER : PARSE_ONLY;
        }
    }

    /** One RDB of the backup: its name ({@code dump}, or {@code shard-N} of a set) and what it held. */
    public record Part(String name, DrillFailure reason, String message, List<DatabaseCount> databases) {
        public Part {
            databases = List.copyOf(databases);
        }

        public boolean passed() {
            return reason == null;
        }
    }

    /**
     * The keys of one database: what the manifest records, what the RDB holds (and how many of those had expired by
     * the time they were loaded, or parsed), and what the scratch server kept.
     *
     * @param loaded empty in {@link Mode#PARSE_ONLY}
     */
    public record DatabaseCount(int db, long expected, long parsed, long expired, OptionalLong loaded) {

        /** What the drill saw: the keys the scratch server kept, or those parsed. */
        public long seen() {
            return loaded.orElse(parsed);
        }

        DatabaseCount plus(DatabaseCount other) {
            return new DatabaseCount(
                    db,
                    expected + other.expected,
                    parsed + other.parsed,
                    expired + other.expired,
                    loaded.isPresent() || other.loaded.isPresent()
                            ? OptionalLong.of(loaded.orElse(0) + other.loaded.orElse(0))
                            : OptionalLong.empty());
        }
    }

    public DrillResult {
        parts = List.copyOf(parts);
    }

    public boolean passed() {
        return reason == null;
    }

    /** The keys per database, summed over the parts (a set's shards). */
    public Map<Integer, DatabaseCount> databases() {
        Map<Integer, DatabaseCount> sums = new TreeMap<>();
        for (Part part : parts) {
            for (DatabaseCount db : part.databases()) {
                sums.merge(db.db(), db, DatabaseCount::plus);
            }
        }
        return sums;
    }
}
