package io.steward.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one poll of a target saw. Immutable; the optional parts are empty when the server refused the
 * command that produces them ({@code slowlog} is then null). {@code clusterInfo} holds {@code CLUSTER INFO}
 * in cluster mode and is empty otherwise.
 */
public record Snapshot(
        Target target,
        Instant time,
        Duration pollDuration,
        RedisInfo info,
        MemoryStats memoryStats,
        List<LatencyEvent> latencyEvents,
        SlowlogSummary slowlog,
        ServerConfig config,
        Map<String, String> clusterInfo) {

    public Snapshot {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(memoryStats, "memoryStats");
        latencyEvents = List.copyOf(latencyEvents);
        Objects.requireNonNull(config, "config");
        clusterInfo = Map.copyOf(clusterInfo);
    }
}
