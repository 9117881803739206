package io.steward.collector;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls one target over one long-lived connection: each poll sends its due {@link Probe probes} in one pipelined
 * round trip and builds a {@link Snapshot} from their readings. What a probe is and how often it runs is declared
 * once, below; the doctor's reads come first, so that their own refusals fall before the poll's INFO.
 *
 * <p>Only {@code INFO} is essential. A server that refuses one of the others (ACL, managed Redis) still yields a
 * snapshot, with that part unavailable and the server's reason; the command is not sent again until a reconnect.
 *
 * <p>Which server it is decides some probes: a cluster node is asked {@code CLUSTER INFO}, a Sentinel its
 * {@code SENTINEL} state instead of the data commands it refuses. The connection's last INFO decides, so those
 * probes ride in the same round trip; on a connection's first poll they wait for its INFO, in a second one.
 */
public final class TargetPoller implements AutoCloseable {

    static final int SLOWLOG_ENTRIES = 128;
    private static final String NOT_IN_CLUSTER_MODE = "the server is not in cluster mode";

    private final Target target;
    private final RedisConnector connector;
    private final Clock clock;
    private final InfoReader infoReader;

    private final Probe<RedisInfo> info;
    private final Probe<MemoryStats> memoryStats;
    private final Probe<List<LatencyEvent>> latency;
    private final Probe<Long> slowlogLength;
    private final Probe<List<Object>> slowlogNewest;
    private final Probe<ServerConfig> config;
    private final Probe<Map<String, String>> cluster;
    private final Probe<ClusterNodes> clusterNodes;
    private final Probe<List<SentinelState.MonitoredMaster>> sentinel;
    private final Probe<SentinelConfig> sentinelConfig;
    private final InspectionProbes inspection;
    /** In send order. */
    private final List<Probe<?>> probes = new ArrayList<>();

    private StatefulRedisConnection<String, String> connection;
    private long pollsOnConnection;
    private RedisInfo knownInfo;
    private boolean configOneByOne;
    /** The last snapshot's, for the next one to share what did not change. */
    private CommandStats lastCommands;

    public TargetPoller(Target target, RedisConnector connector, Clock clock, PollOptions options) {
        this.target = target;
        this.connector = connector;
        this.clock = clock;
        this.infoReader = new InfoReader(target.uri().getTimeout());
        Cadence details = Cadence.everyNth(PollOptions.DETAIL_POLLS);
        this.info = Probe.essential("INFO", redis -> {
            RedisFuture<String> reply = infoReader.send(redis);
            return timeout -> infoReader.read(redis, reply);
        });
        this.memoryStats = Probe.optional(
                        "MEMORY STATS",
                        details,
                        Probe.command(
                                redis -> redis.dispatch(
                                        CommandType.MEMORY,
                                        new NestedMultiOutput<>(StringCodec.UTF8),
                                        Replies.args("STATS")),
                                MemoryStatsParser::parse))
                .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
        this.latency = Probe.optional(
                        "LATENCY LATEST",
                        Cadence.everyPoll(),
                        Probe.command(
                                redis -> redis.dispatch(
                                        RedisKeyword.LATENCY,
                                        new NestedMultiOutput<>(StringCodec.UTF8),
                                        Replies.args("LATEST")),
                                LatencyEvent::parseLatest))
                .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
        this.slowlogLength = Probe.optional(
                        "SLOWLOG LEN",
                        Cadence.everyPoll(),
                        Probe.command(RedisAsyncCommands::slowlogLen, length -> length))
                .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
        this.slowlogNewest = Probe.optional(
                        "SLOWLOG GET", details, Probe.command(redis -> redis.slowlogGet(1), newest -> newest))
                .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
        this.config = Probe.optional("CONFIG GET", Cadence.everyNth(options.configEvery()), this::sendConfigGet)
                .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
        this.cluster = Probe.optional(
                        "CLUSTER INFO",
                        Cadence.everyPoll(),
                        Probe.command(
                                RedisAsyncCommands::clusterInfo,
                                text -> InfoParser.parse(text).section("default")))
                // Elsewhere the command is an error reply that Redis would count in errorstats.
                .onlyWhere(TargetPoller::inClusterMode, NOT_IN_CLUSTER_MODE);
        // Every poll: failure flags, links and epochs change within a node timeout, and a group's topology is
        // derived from its members' latest views.
        this.clusterNodes = Probe.optional(
                        "CLUSTER NODES",
                        Cadence.everyPoll(),
                        Probe.command(RedisAsyncCommands::clusterNodes, ClusterNodes::parse))
                .onlyWhere(TargetPoller::inClusterMode, NOT_IN_CLUSTER_MODE);
        this.sentinel = Probe.optionalGivenInfo(
                "SENTINEL MASTERS",
                Cadence.everyPoll(),
                SentinelRequest::send,
                SentinelState::isSentinel,
                Snapshot.NOT_A_SENTINEL);
        this.sentinelConfig = Probe.optional(
                        "SENTINEL CONFIG GET",
                        Cadence.everyNth(options.configEvery()),
                        Probe.command(
                                redis -> redis.dispatch(
                                        CommandType.SENTINEL,
                                        new NestedMultiOutput<>(StringCodec.UTF8),
                                        Replies.args("CONFIG", "GET", "*")),
                                SentinelConfig::parse))
                .onlyWhere(SentinelState::isSentinel, Snapshot.NOT_A_SENTINEL);
        this.inspection = options.inspection() == null ? null : new InspectionProbes(options.inspection());
        if (inspection != null) {
            probes.addAll(inspection.all());
        }
        probes.addAll(List.of(
                info,
                memoryStats,
                latency,
                slowlogLength,
                slowlogNewest,
                config,
                cluster,
                clusterNodes,
                sentinel,
                sentinelConfig));
    }

    private static final String SENTINEL_HAS_NONE = "a Sentinel has no such command";

    /**
     * A Sentinel refuses the commands of data (MEMORY, LATENCY, SLOWLOG, CONFIG, CLUSTER): each would be an error
     * reply it counts in its {@code total_error_replies}, so they wait for the server's INFO to say what it is.
     */
    private static boolean holdsData(RedisInfo known) {
        return !SentinelState.isSentinel(known);
    }

    public Target target() {
        return target;
    }

    public PollResult poll() {
        return poll(false);
    }

    /** @param inspect whether the doctor's on-demand reads are due on this poll */
    public synchronized PollResult poll(boolean inspect) {
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        try {
            RedisAsyncCommands<String, String> redis = connection().async();
            long poll = pollsOnConnection++;
            // Everything is sent before anything is awaited: one round trip per poll.
            List<Probe<?>> held = new ArrayList<>();
            for (Probe<?> probe : probes) {
                if (probe.due(poll, start, inspect, knownInfo)) {
                    probe.send(redis, start, knownInfo);
                } else if (probe.conditional() && knownInfo == null) {
                    held.add(probe);
                }
            }
            Duration timeout = target.uri().getTimeout();
            for (Probe<?> probe : probes) {
                probe.collect(timeout, target);
            }
            RedisInfo latestInfo = info.reading().orElse(null);
            // The first poll of a connection: what waited for INFO goes out now, in a second round trip.
            for (Probe<?> probe : held) {
                if (probe.due(poll, start, inspect, latestInfo)) {
                    probe.send(redis, start, latestInfo);
                }
            }
            for (Probe<?> probe : held) {
                probe.collect(timeout, target);
            }
            knownInfo = latestInfo;
            return new PollResult.Polled(snapshot(start, Duration.ofNanos(System.nanoTime() - startNanos)));
        } catch (Exception failure) {
            PollFailure reason = PollFailure.classify(failure);
            if (reason != PollFailure.REFUSED) {
                dropConnection();
            }
            return new PollResult.Failed(target, start, reason, reason.describe(target, failure));
        }
    }

    private Snapshot snapshot(Instant time, Duration took) {
        Reading<SlowlogSummary> slowlog = slowlogLength
                .reading()
                .map(length -> SlowlogSummary.of(length, slowlogNewest.reading().orElse(List.of())));
        Snapshot snapshot = Snapshot.builder(target, time, info.reading().orElse(null))
                .pollDuration(took)
                .commandsAfter(lastCommands)
                .memoryStats(memoryStats.reading())
                .latencyEvents(latency.reading())
                .slowlog(slowlog)
                .config(config.reading())
                .cluster(cluster.reading())
                .clusterNodes(clusterNodes.reading())
                .sentinelMasters(sentinel.reading())
                .sentinelConfig(sentinelConfig.reading())
                .inspection(inspection == null ? Inspection.none("the doctor is off") : inspection.reading())
                .build();
        lastCommands = snapshot.commands();
        return snapshot;
    }

    private static boolean inClusterMode(RedisInfo known) {
        return known.text("cluster_enabled", "0").equals("1");
    }

    /** Redis before 7.0 takes one parameter per {@code CONFIG GET}; such servers are asked one by one, pipelined. */
    private Probe.Pending<ServerConfig> sendConfigGet(RedisAsyncCommands<String, String> redis) {
        if (configOneByOne) {
            return sendConfigOneByOne(redis);
        }
        RedisFuture<Map<String, String>> all = redis.configGet(ServerConfig.PARAMETERS.toArray(String[]::new));
        return timeout -> {
            try {
                return new ServerConfig(Replies.await(all, timeout));
            } catch (RedisCommandExecutionException tooMany) {
                if (!String.valueOf(tooMany.getMessage()).contains("wrong number of arguments")) {
                    throw tooMany;
                }
                configOneByOne = true;
                return sendConfigOneByOne(redis).await(timeout);
            }
        };
    }

    private static Probe.Pending<ServerConfig> sendConfigOneByOne(RedisAsyncCommands<String, String> redis) {
        List<RedisFuture<Map<String, String>>> each =
                ServerConfig.PARAMETERS.stream().map(redis::configGet).toList();
        return timeout -> {
            Map<String, String> values = new HashMap<>();
            for (RedisFuture<Map<String, String>> future : each) {
                values.putAll(Replies.await(future, timeout));
            }
            return new ServerConfig(values);
        };
    }

    /** The doctor's reads, each its own probe on the cadence the doctor asked for. */
    private final class InspectionProbes {
        final Probe<String> memoryDoctor;
        final Probe<String> latencyDoctor;
        final Probe<List<SlowlogEntry>> slowlog;
        final Probe<ClientList> clients;
        final Probe<List<AclUser>> aclUsers;
        final Probe<String> role;

        InspectionProbes(Cadence cadence) {
            memoryDoctor = Probe.optional(
                            "MEMORY DOCTOR",
                            cadence,
                            Probe.command(
                                    redis -> redis.dispatch(
                                            CommandType.MEMORY,
                                            new StatusOutput<>(StringCodec.UTF8),
                                            Replies.args("DOCTOR")),
                                    TargetPoller::nullToEmpty))
                    .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
            latencyDoctor = Probe.optional(
                            "LATENCY DOCTOR",
                            cadence,
                            Probe.command(
                                    redis -> redis.dispatch(
                                            RedisKeyword.LATENCY,
                                            new StatusOutput<>(StringCodec.UTF8),
                                            Replies.args("DOCTOR")),
                                    TargetPoller::nullToEmpty))
                    .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
            slowlog = Probe.optional(
                            "SLOWLOG GET",
                            cadence,
                            Probe.command(
                                    redis -> redis.slowlogGet(SLOWLOG_ENTRIES),
                                    reply -> othersOnly(SlowlogEntry.parse(reply))))
                    .onlyWhere(TargetPoller::holdsData, SENTINEL_HAS_NONE);
            clients = Probe.optional(
                    "CLIENT LIST", cadence, Probe.command(RedisAsyncCommands::clientList, ClientList::parse));
            aclUsers = Probe.optional("ACL LIST", cadence, Probe.command(RedisAsyncCommands::aclList, AclUser::parse));
            role = Probe.optional(
                    "ROLE", cadence, Probe.command(RedisAsyncCommands::role, TargetPoller::replicaLinkState));
        }

        List<Probe<?>> all() {
            return List.of(memoryDoctor, latencyDoctor, slowlog, clients, aclUsers, role);
        }

        Inspection reading() {
            return new Inspection(
                    memoryDoctor.reading(),
                    latencyDoctor.reading(),
                    slowlog.reading(),
                    clients.reading(),
                    aclUsers.reading(),
                    role.reading());
        }
    }

    /**
     * The slow log without the entries of the agent's own connections (named after the target's client name):
     * LATENCY DOCTOR or CLIENT LIST on a busy server must not be reported as the application's.
     */
    private List<SlowlogEntry> othersOnly(List<SlowlogEntry> entries) {
        String own = target.uri().getClientName();
        return own == null
                ? entries
                : entries.stream()
                        .filter(entry -> !entry.clientName().equals(own))
                        .toList();
    }

    /** ROLE of a replica is {@code [slave, host, port, state, offset]}; of a primary, nothing to keep. */
    private static String replicaLinkState(List<Object> role) {
        return role.size() >= 4 && "slave".equals(String.valueOf(role.get(0))) ? String.valueOf(role.get(3)) : "";
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private StatefulRedisConnection<String, String> connection() {
        if (connection == null || !connection.isOpen()) {
            dropConnection();
            connection = connector.connect(target);
            pollsOnConnection = 0;
            knownInfo = null;
            infoReader.reset();
            probes.forEach(Probe::reset);
        }
        return connection;
    }

    private void dropConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        dropConnection();
    }
}
