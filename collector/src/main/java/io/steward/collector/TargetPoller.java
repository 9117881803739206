package io.steward.collector;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one target over one long-lived connection. Each poll pipelines {@code INFO}, {@code MEMORY STATS},
 * {@code LATENCY LATEST} and the slow log summary in a single round trip; {@code CONFIG GET} of the few
 * parameters in {@link ServerConfig#PARAMETERS} rides along only every {@code configRefreshPolls} polls. On servers
 * that allow it, INFO's latency percentiles, {@code MEMORY STATS} and the newest slow log entry are refreshed only
 * with the full INFO of every {@value InfoReader#FULL_POLLS}th poll (see {@link InfoReader}): they change slowly
 * and make up most of what a poll costs Redis.
 *
 * <p>Only {@code INFO} is essential. A server that refuses one of the others (ACL, managed Redis) still yields
 * a snapshot; that command is not sent again until the next reconnect.
 */
public final class TargetPoller implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(TargetPoller.class);

    /** The optional commands, each of which a server may refuse. */
    enum Extra {
        MEMORY_STATS,
        LATENCY,
        SLOWLOG,
        CONFIG,
        CLUSTER
    }

    private final Target target;
    private final RedisConnector connector;
    private final Clock clock;
    private final int configRefreshPolls;

    private final InfoReader infoReader;
    private StatefulRedisConnection<String, String> connection;
    private final Set<Extra> refused = EnumSet.noneOf(Extra.class);
    private ServerConfig config = ServerConfig.unavailable();
    private MemoryStats memoryStats = MemoryStats.empty();
    private List<Object> slowlogEntry = List.of();
    private int pollsSinceConfig;
    private boolean configOneByOne;

    public TargetPoller(Target target, RedisConnector connector, Clock clock, int configRefreshPolls) {
        this.target = target;
        this.connector = connector;
        this.clock = clock;
        this.configRefreshPolls = Math.max(1, configRefreshPolls);
        this.infoReader = new InfoReader(target.uri().getTimeout());
    }

    public Target target() {
        return target;
    }

    public synchronized PollResult poll() {
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        try {
            RedisAsyncCommands<String, String> commands = connection().async();
            boolean refreshConfig = pollsSinceConfig == 0;
            // Everything is sent before anything is awaited: one round trip per poll.
            RedisFuture<String> info = infoReader.send(commands);
            // The slow-changing details ride along with the full INFO; in between, the last ones stand.
            boolean details = infoReader.sentFull();
            RedisFuture<List<Object>> memory = details
                    ? unless(
                            Extra.MEMORY_STATS,
                            () -> commands.dispatch(
                                    CommandType.MEMORY,
                                    new NestedMultiOutput<>(StringCodec.UTF8),
                                    Replies.args("STATS")))
                    : null;
            RedisFuture<List<Object>> latency = unless(
                    Extra.LATENCY,
                    () -> commands.dispatch(
                            RedisKeyword.LATENCY, new NestedMultiOutput<>(StringCodec.UTF8), Replies.args("LATEST")));
            RedisFuture<Long> slowlogLength = unless(Extra.SLOWLOG, commands::slowlogLen);
            RedisFuture<List<Object>> slowlogNewest =
                    details ? unless(Extra.SLOWLOG, () -> commands.slowlogGet(1)) : null;
            RedisFuture<Map<String, String>> configValues = refreshConfig && !configOneByOne
                    ? unless(Extra.CONFIG, () -> commands.configGet(ServerConfig.PARAMETERS.toArray(String[]::new)))
                    : null;

            RedisInfo parsed = infoReader.read(commands, info);
            if (details) {
                memoryStats = optional(
                        Extra.MEMORY_STATS,
                        memory,
                        () -> MemoryStatsParser.parse(Replies.await(memory, timeout())),
                        MemoryStats.empty());
                slowlogEntry = optional(
                        Extra.SLOWLOG, slowlogNewest, () -> Replies.await(slowlogNewest, timeout()), List.of());
            }
            List<LatencyEvent> latencyEvents = optional(
                    Extra.LATENCY,
                    latency,
                    () -> LatencyEvent.parseLatest(Replies.await(latency, timeout())),
                    List.of());
            SlowlogSummary slowlog = optional(
                    Extra.SLOWLOG,
                    slowlogLength,
                    () -> SlowlogSummary.of(Replies.await(slowlogLength, timeout()), slowlogEntry),
                    null);
            if (refreshConfig && !refused.contains(Extra.CONFIG)) {
                config = optional(
                        Extra.CONFIG,
                        Boolean.TRUE,
                        () -> readConfig(commands, configValues),
                        ServerConfig.unavailable());
            }
            Map<String, String> clusterInfo = Map.of();
            if (parsed.text("cluster_enabled", "0").equals("1")) {
                // Only cluster nodes are asked: elsewhere the command is an error reply that Redis counts in
                // errorstats.
                RedisFuture<String> cluster = unless(Extra.CLUSTER, commands::clusterInfo);
                clusterInfo = optional(
                        Extra.CLUSTER,
                        cluster,
                        () -> InfoParser.parse(Replies.await(cluster, timeout()))
                                .section("default"),
                        Map.of());
            }
            pollsSinceConfig = (pollsSinceConfig + 1) % configRefreshPolls;
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            return new PollResult.Polled(new Snapshot(
                    target, start, took, parsed, memoryStats, latencyEvents, slowlog, config, clusterInfo));
        } catch (Exception failure) {
            PollFailure reason = PollFailure.classify(failure);
            if (reason != PollFailure.REFUSED) {
                dropConnection();
            }
            return new PollResult.Failed(target, start, reason, reason.describe(target, failure));
        }
    }

    private StatefulRedisConnection<String, String> connection() {
        if (connection == null || !connection.isOpen()) {
            dropConnection();
            connection = connector.connect(target);
            refused.clear();
            pollsSinceConfig = 0;
            infoReader.reset();
        }
        return connection;
    }

    /** Redis before 7.0 takes one parameter per {@code CONFIG GET}; such servers are asked one by one, pipelined. */
    private ServerConfig readConfig(RedisAsyncCommands<String, String> commands, RedisFuture<Map<String, String>> all)
            throws Exception {
        if (all != null) {
            try {
                return new ServerConfig(Replies.await(all, timeout()));
            } catch (RedisCommandExecutionException tooMany) {
                if (!String.valueOf(tooMany.getMessage()).contains("wrong number of arguments")) {
                    throw tooMany;
                }
                configOneByOne = true;
            }
        }
        List<RedisFuture<Map<String, String>>> each =
                ServerConfig.PARAMETERS.stream().map(commands::configGet).toList();
        Map<String, String> values = new java.util.HashMap<>();
        for (RedisFuture<Map<String, String>> future : each) {
            values.putAll(Replies.await(future, timeout()));
        }
        return new ServerConfig(values);
    }

    private <T> RedisFuture<T> unless(Extra extra, java.util.function.Supplier<RedisFuture<T>> send) {
        return refused.contains(extra) ? null : send.get();
    }

    /** What an optional command reads; the fallback stands in when the server refuses the command. */
    @FunctionalInterface
    private interface Read<R> {
        R read() throws Exception;
    }

    /**
     * @param sent null when the command was not sent (refused earlier), which yields the fallback
     */
    private <R> R optional(Extra extra, Object sent, Read<R> read, R fallback) throws Exception {
        if (sent == null) {
            return fallback;
        }
        try {
            return read.read();
        } catch (RedisCommandExecutionException | IllegalArgumentException failure) {
            if (refused.add(extra)) {
                logger.info(
                        "{} refuses {} ({}); what needs it is left out until it reconnects",
                        target,
                        extra.name().replace('_', ' '),
                        PollFailure.rootMessage(failure));
            }
            return fallback;
        }
    }

    private Duration timeout() {
        return target.uri().getTimeout();
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
