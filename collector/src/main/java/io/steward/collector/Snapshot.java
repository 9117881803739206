package io.steward.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one poll of a target saw, parsed once and immutable. {@code info} keeps every INFO field as the server
 * sent it (for the scalar fields); the nested ones are typed in {@code keyspace}, {@code replication} and
 * {@code commands}. Each optional source is a {@link Reading}: a value, or why there is none.
 *
 * @param cluster {@code CLUSTER INFO}'s fields; unavailable on a server not in cluster mode
 * @param clusterNodes {@code CLUSTER NODES}: the cluster as this node sees it; unavailable on a server not in cluster
 *     mode
 * @param sentinel what a Sentinel knows of the masters it monitors; unavailable on a server that is not a Sentinel
 * @param inspection what only the doctor reads, on its own slow cadence
 */
public record Snapshot(
        Target target,
        Instant time,
        Duration pollDuration,
        RedisInfo info,
        Keyspace keyspace,
        Replication replication,
        CommandStats commands,
        Reading<MemoryStats> memoryStats,
        Reading<List<LatencyEvent>> latencyEvents,
        Reading<SlowlogSummary> slowlog,
        Reading<ServerConfig> config,
        Reading<Map<String, String>> cluster,
        Reading<ClusterNodes> clusterNodes,
        Reading<SentinelState> sentinel,
        Inspection inspection) {

    public Snapshot {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(pollDuration, "pollDuration");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(memoryStats, "memoryStats");
        latencyEvents = latencyEvents.map(List::copyOf);
        Objects.requireNonNull(slowlog, "slowlog");
        Objects.requireNonNull(config, "config");
        cluster = cluster.map(Map::copyOf);
        Objects.requireNonNull(clusterNodes, "clusterNodes");
        Objects.requireNonNull(sentinel, "sentinel");
        Objects.requireNonNull(inspection, "inspection");
    }

    public Role role() {
        return replication.role();
    }

    public String runId() {
        return info.text("run_id", "");
    }

    public String version() {
        return info.version();
    }

    /** Whether the server is a Sentinel ({@code redis_mode:sentinel}), which holds no data. */
    public boolean isSentinel() {
        return SentinelState.isSentinel(info);
    }

    public boolean clusterEnabled() {
        return info.text("cluster_enabled", "0").equals("1");
    }

    /** The server's clock, in Unix seconds: INFO's {@code server_time_usec}, else when the poll was taken. */
    public double serverTimeSeconds() {
        return info.number("server_time_usec").isPresent()
                ? info.number("server_time_usec").getAsDouble() / 1e6
                : time.toEpochMilli() / 1e3;
    }

    /** Whether both snapshots come from one run of one server (same {@code run_id}), so counters compare. */
    public boolean sameRunAs(Snapshot other) {
        return !runId().isEmpty() && runId().equals(other.runId());
    }

    /** A snapshot of the INFO alone, the other parts as given to the builder; for the poller and for tests. */
    public static Builder builder(Target target, Instant time, RedisInfo info) {
        return new Builder(target, time, info);
    }

    static final String NOT_A_SENTINEL = "the server is not a Sentinel";

    public static final class Builder {
        private final Target target;
        private final Instant time;
        private final RedisInfo info;
        private Duration pollDuration = Duration.ZERO;
        private Reading<MemoryStats> memoryStats = Reading.unavailable("MEMORY STATS not read");
        private Reading<List<LatencyEvent>> latencyEvents = Reading.unavailable("LATENCY LATEST not read");
        private Reading<SlowlogSummary> slowlog = Reading.unavailable("SLOWLOG not read");
        private Reading<ServerConfig> config = Reading.unavailable("CONFIG GET not read");
        private Reading<Map<String, String>> cluster = Reading.unavailable("CLUSTER INFO not read");
        private Reading<ClusterNodes> clusterNodes = Reading.unavailable("CLUSTER NODES not read");
        private Reading<List<SentinelState.MonitoredMaster>> sentinelMasters =
                Reading.unavailable("SENTINEL MASTERS not read");
        private Reading<SentinelConfig> sentinelConfig = Reading.unavailable("SENTINEL CONFIG GET not read");
        private Inspection inspection = Inspection.none("not inspected");
        private CommandStats earlierCommands;

        private Builder(Target target, Instant time, RedisInfo info) {
            this.target = target;
            this.time = time;
            this.info = info;
        }

        public Builder pollDuration(Duration value) {
            this.pollDuration = value;
            return this;
        }

        public Builder memoryStats(Reading<MemoryStats> value) {
            this.memoryStats = value;
            return this;
        }

        public Builder latencyEvents(Reading<List<LatencyEvent>> value) {
            this.latencyEvents = value;
            return this;
        }

        public Builder slowlog(Reading<SlowlogSummary> value) {
            this.slowlog = value;
            return this;
        }

        public Builder config(Reading<ServerConfig> value) {
            this.config = value;
            return this;
        }

        public Builder cluster(Reading<Map<String, String>> value) {
            this.cluster = value;
            return this;
        }

        public Builder clusterNodes(Reading<ClusterNodes> value) {
            this.clusterNodes = value;
            return this;
        }

        /** A Sentinel's masters; the snapshot's {@link SentinelState} adds what its INFO says. */
        public Builder sentinelMasters(Reading<List<SentinelState.MonitoredMaster>> value) {
            this.sentinelMasters = value;
            return this;
        }

        public Builder sentinelConfig(Reading<SentinelConfig> value) {
            this.sentinelConfig = value;
            return this;
        }

        public Builder inspection(Inspection value) {
            this.inspection = value;
            return this;
        }

        /** The target's previous statistics, whose unchanged names and figures the new ones share. */
        Builder commandsAfter(CommandStats earlier) {
            this.earlierCommands = earlier;
            return this;
        }

        public Snapshot build() {
            return new Snapshot(
                    target,
                    time,
                    pollDuration,
                    info,
                    Keyspace.from(info),
                    Replication.from(info),
                    earlierCommands == null ? CommandStats.from(info) : CommandStats.from(info, earlierCommands),
                    memoryStats,
                    latencyEvents,
                    slowlog,
                    config,
                    cluster,
                    clusterNodes,
                    SentinelState.isSentinel(info)
                            ? Reading.of(new SentinelState(
                                    SentinelState.Overview.from(info), sentinelMasters, sentinelConfig))
                            : Reading.unavailable(NOT_A_SENTINEL),
                    inspection);
        }
    }
}
