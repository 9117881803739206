package io.steward.collector;

import java.util.OptionalLong;

/**
 * What a backup watches while Redis saves: {@code INFO persistence} typed, with who the server is and what it
 * holds (for the manifest).
 *
 * @param saves the save counter ({@code rdb_saves}); empty before Redis 7.0, where {@code lastSaveTime} tells
 * @param currentSaveSeconds how long the running save has taken; empty when none runs
 * @param usedMemory {@code used_memory}: an RDB is rarely larger, so it sizes an upload of unknown length
 */
public record SaveState(
        String version,
        String runId,
        Role role,
        OptionalLong replicationOffset,
        Keyspace keyspace,
        boolean saving,
        boolean lastSaveOk,
        OptionalLong saves,
        long lastSaveTime,
        OptionalLong currentSaveSeconds,
        long keysProcessed,
        long keysTotal,
        long usedMemory) {

    static SaveState from(RedisInfo info) {
        Replication replication = Replication.from(info);
        return new SaveState(
                info.version(),
                info.text("run_id", ""),
                replication.role(),
                replication.offset(),
                Keyspace.from(info),
                info.text("rdb_bgsave_in_progress", "0").equals("1"),
                info.text("rdb_last_bgsave_status", "ok").equals("ok"),
                Numbers.wholeNumber(info.get("rdb_saves").orElse(null)),
                Numbers.wholeNumber(info.get("rdb_last_save_time").orElse(null)).orElse(0),
                Numbers.wholeNumber(info.get("rdb_current_bgsave_time_sec").orElse(null)).stream()
                        .filter(seconds -> seconds >= 0)
                        .findFirst(),
                Numbers.wholeNumber(info.get("current_save_keys_processed").orElse(null))
                        .orElse(0),
                Numbers.wholeNumber(info.get("current_save_keys_total").orElse(null))
                        .orElse(0),
                Numbers.wholeNumber(info.get("used_memory").orElse(null)).orElse(0));
    }
}
