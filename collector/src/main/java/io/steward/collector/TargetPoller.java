package io.steward.collector;

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
import java.util.function.Function;
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
            RedisFuture<String> info = commands.info(INFO_SECTIONS.get(infoSection));
            RedisFuture<List<Object>> memory = unless(Extra.MEMORY_STATS,
                    () -> commands.dispatch(CommandType.MEMORY, new NestedMultiOutput<>(StringCodec.UTF8), args("STATS")));
            RedisFuture<List<Object>> latency = unless(Extra.LATENCY,
                    () -> commands.dispatch(Latency.LATENCY, new NestedMultiOutput<>(StringCodec.UTF8), args("LATEST")));
            RedisFuture<Long> slowlogLength = unless(Extra.SLOWLOG, commands::slowlogLen);
            RedisFuture<List<Object>> slowlogNewest = unless(Extra.SLOWLOG, () -> commands.slowlogGet(1));
            RedisFuture<Map<String, String>> configValues = refreshConfig
                    ? unless(Extra.CONFIG, () -> commands.configGet(ServerConfig.PARAMETERS.toArray(String[]::new)))
                    : null;

            RedisInfo parsed = readInfo(commands, await(info));
            MemoryStats memoryStats = optional(Extra.MEMORY_STATS, memory, MemoryStatsParser::parse, MemoryStats.empty());
            List<LatencyEvent> latencyEvents = optional(Extra.LATENCY, latency, LatencyEvent::parseLatest, List.of());
            Long length = optional(Extra.SLOWLOG, slowlogLength, Function.identity(), null);
            List<Object> newest = optional(Extra.SLOWLOG, slowlogNewest, Function.identity(), List.of());
            SlowlogSummary slowlog = length == null ? null : SlowlogSummary.of(length, newest);
            if (configValues != null) {
                config = optional(Extra.CONFIG, configValues, ServerConfig::new, ServerConfig.unavailable());
            }
            Map<String, String> clusterInfo = Map.of();
            if (parsed.text("cluster_enabled", "0").equals("1")) {
                // Only cluster nodes are asked: elsewhere the command is an error reply that Redis counts in errorstats.
                clusterInfo = optional(Extra.CLUSTER, commands.clusterInfo(),
                        text -> InfoParser.parse(text).section("default"), Map.of());
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
            return new PollResult.Failed(target, start, reason, describe(reason, failure));
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

    /** Reads INFO, stepping down to an older form when the server does not know {@code everything}. */
    private RedisInfo readInfo(RedisAsyncCommands<String, String> commands, String reply) throws Exception {
        String text = reply;
        while (!looksLikeInfo(text) && infoSection < INFO_SECTIONS.size() - 1) {
            infoSection++;
            text = await(commands.info(INFO_SECTIONS.get(infoSection)));
        }
        if (!looksLikeInfo(text)) {
            throw new IllegalStateException("the reply to INFO is not Redis INFO text");
        }
        return InfoParser.parse(text);
    }

    private static boolean looksLikeInfo(String text) {
        return text != null && text.contains("# Server");
    }

    private <T> RedisFuture<T> unless(Extra extra, java.util.function.Supplier<RedisFuture<T>> send) {
        return refused.contains(extra) ? null : send.get();
    }

    private <T, R> R optional(Extra extra, RedisFuture<T> future, Function<T, R> parse, R fallback) throws Exception {
        if (future == null) {
            return fallback;
        }
        try {
            return parse.apply(await(future));
        } catch (ExecutionException | RuntimeException failure) {
            PollFailure reason = PollFailure.classify(failure);
            if (reason == PollFailure.TIMEOUT || reason == PollFailure.CONNECT) {
                throw failure;
            }
            if (refused.add(extra)) {
                logger.info("{} refuses {} ({}); the series that need it are left out until it reconnects",
                        target, extra.name().replace('_', ' '), rootMessage(failure));
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

    private String describe(PollFailure reason, Throwable failure) {
        String detail = rootMessage(failure);
        return switch (reason) {
            case CONNECT -> "cannot connect to " + target.address() + ": " + detail;
            case AUTH -> "authentication to " + target.address() + " failed: " + detail
                    + " (check the username and the password file or variable)";
            case TLS -> "TLS with " + target.address() + " failed: " + detail
                    + " (check the CA file, the client certificate and that the port speaks TLS)";
            case TIMEOUT -> target.address() + " did not answer within " + target.uri().getTimeout().toMillis() + " ms";
            case PROTOCOL -> target.address() + " did not answer like a Redis server: " + detail;
            case REFUSED -> target.address() + " refused INFO: " + detail + " (grant +info to the agent's user)";
            case ERROR -> "polling " + target.address() + " failed: " + detail;
        };
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
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
