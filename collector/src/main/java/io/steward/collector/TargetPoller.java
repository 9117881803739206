package io.steward.collector;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one target over one long-lived connection. Each poll pipelines {@code INFO}, {@code MEMORY STATS},
 * {@code LATENCY LATEST} and the slow log summary in a single round trip; {@code CONFIG GET} of the few
 * parameters in {@link ServerConfig#PARAMETERS} rides along only every {@code configRefreshPolls} polls.
 *
 * <p>Only {@code INFO} is essential. A server that refuses one of the others (ACL, managed Redis) still yields
 * a snapshot; that command is not sent again until the next reconnect.
 */
public final class TargetPoller implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(TargetPoller.class);

    /** The optional commands, each of which a server may refuse. */
    enum Extra { MEMORY_STATS, LATENCY, SLOWLOG, CONFIG, CLUSTER }

    private static final List<String> INFO_SECTIONS = List.of("everything", "all", "");

    private final Target target;
    private final RedisConnector connector;
    private final Clock clock;
    private final int configRefreshPolls;

    private StatefulRedisConnection<String, String> connection;
    private int infoSection;
    private final Set<Extra> refused = EnumSet.noneOf(Extra.class);
    private ServerConfig config = ServerConfig.unavailable();
    private int pollsSinceConfig;
    private boolean configOneByOne;

    public TargetPoller(Target target, RedisConnector connector, Clock clock, int configRefreshPolls) {
        this.target = target;
        this.connector = connector;
        this.clock = clock;
        this.configRefreshPolls = Math.max(1, configRefreshPolls);
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
            RedisFuture<String> info = commands.info(INFO_SECTIONS.get(infoSection));
            RedisFuture<List<Object>> memory = unless(Extra.MEMORY_STATS,
                    () -> commands.dispatch(CommandType.MEMORY, new NestedMultiOutput<>(StringCodec.UTF8), args("STATS")));
            RedisFuture<List<Object>> latency = unless(Extra.LATENCY,
                    () -> commands.dispatch(Latency.LATENCY, new NestedMultiOutput<>(StringCodec.UTF8), args("LATEST")));
            RedisFuture<Long> slowlogLength = unless(Extra.SLOWLOG, commands::slowlogLen);
            RedisFuture<List<Object>> slowlogNewest = unless(Extra.SLOWLOG, () -> commands.slowlogGet(1));
            RedisFuture<Map<String, String>> configValues = refreshConfig && !configOneByOne
                    ? unless(Extra.CONFIG, () -> commands.configGet(ServerConfig.PARAMETERS.toArray(String[]::new)))
                    : null;

            RedisInfo parsed = readInfo(commands, info);
            MemoryStats memoryStats = optional(Extra.MEMORY_STATS, memory,
                    () -> MemoryStatsParser.parse(await(memory)), MemoryStats.empty());
            List<LatencyEvent> latencyEvents = optional(Extra.LATENCY, latency,
                    () -> LatencyEvent.parseLatest(await(latency)), List.of());
            SlowlogSummary slowlog = optional(Extra.SLOWLOG, slowlogLength,
                    () -> SlowlogSummary.of(await(slowlogLength), await(slowlogNewest)), null);
            if (refreshConfig && !refused.contains(Extra.CONFIG)) {
                config = optional(Extra.CONFIG, Boolean.TRUE, () -> readConfig(commands, configValues), ServerConfig.unavailable());
            }
            Map<String, String> clusterInfo = Map.of();
            if (parsed.text("cluster_enabled", "0").equals("1")) {
                // Only cluster nodes are asked: elsewhere the command is an error reply that Redis counts in errorstats.
                RedisFuture<String> cluster = unless(Extra.CLUSTER, commands::clusterInfo);
                clusterInfo = optional(Extra.CLUSTER, cluster,
                        () -> InfoParser.parse(await(cluster)).section("default"), Map.of());
            }
            pollsSinceConfig = (pollsSinceConfig + 1) % configRefreshPolls;
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            return new PollResult.Polled(new Snapshot(target, start, took, parsed, memoryStats, latencyEvents, slowlog,
                    config, clusterInfo));
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
        }
        return connection;
    }

    /**
     * Reads INFO, stepping down to {@code INFO all} and then plain {@code INFO} on servers that refuse
     * {@code everything} or answer it with nothing (older Redis, some managed services). The step is kept.
     */
    private RedisInfo readInfo(RedisAsyncCommands<String, String> commands, RedisFuture<String> first) throws Exception {
        RedisFuture<String> pending = first;
        while (true) {
            boolean lastForm = infoSection == INFO_SECTIONS.size() - 1;
            String text;
            try {
                text = await(pending);
            } catch (RedisCommandExecutionException refused) {
                if (lastForm || PollFailure.classify(refused) == PollFailure.REFUSED) {
                    throw refused;
                }
                text = null;
            }
            if (looksLikeInfo(text)) {
                return InfoParser.parse(text);
            }
            if (lastForm) {
                throw new UnexpectedReplyException("the reply to INFO is not Redis INFO text");
            }
            infoSection++;
            pending = commands.info(INFO_SECTIONS.get(infoSection));
        }
    }

    /** Redis before 7.0 takes one parameter per {@code CONFIG GET}; such servers are asked one by one, pipelined. */
    private ServerConfig readConfig(RedisAsyncCommands<String, String> commands, RedisFuture<Map<String, String>> all)
            throws Exception {
        if (all != null) {
            try {
                return new ServerConfig(await(all));
            } catch (RedisCommandExecutionException tooMany) {
                if (!String.valueOf(tooMany.getMessage()).contains("wrong number of arguments")) {
                    throw tooMany;
                }
                configOneByOne = true;
            }
        }
        List<RedisFuture<Map<String, String>>> each = ServerConfig.PARAMETERS.stream().map(commands::configGet).toList();
        Map<String, String> values = new java.util.HashMap<>();
        for (RedisFuture<Map<String, String>> future : each) {
            values.putAll(await(future));
        }
        return new ServerConfig(values);
    }

    private static boolean looksLikeInfo(String text) {
        return text != null && text.contains("# Server");
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
                logger.info("{} refuses {} ({}); what needs it is left out until it reconnects",
                        target, extra.name().replace('_', ' '), PollFailure.rootMessage(failure));
            }
            return fallback;
        }
    }

    private <T> T await(CompletionStage<T> future) throws Exception {
        try {
            return future.toCompletableFuture().get(target.uri().getTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException wrapped) {
            throw wrapped.getCause() instanceof Exception cause ? cause : wrapped;
        }
    }

    private static CommandArgs<String, String> args(String... words) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (String word : words) {
            args.add(word);
        }
        return args;
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

    /** Commands Lettuce has no {@link CommandType} for. */
    private enum Latency implements ProtocolKeyword {
        LATENCY;

        private final byte[] bytes = name().getBytes(StandardCharsets.US_ASCII);

        @Override
        public byte[] getBytes() {
            return bytes;
        }
    }
}
