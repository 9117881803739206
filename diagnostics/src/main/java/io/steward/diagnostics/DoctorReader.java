package io.steward.diagnostics;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.steward.collector.LatencyEvent;
import io.steward.collector.PollFailure;
import io.steward.collector.RedisConnector;
import io.steward.collector.RedisKeyword;
import io.steward.collector.ServerConfig;
import io.steward.collector.Target;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads what the doctor needs beyond INFO, one command at a time, read-only: CONFIG GET of the parameters the
 * rules use, LATENCY LATEST and DOCTOR, MEMORY DOCTOR, SLOWLOG GET, ROLE, CLIENT LIST and ACL LIST. Never
 * requirepass or masterauth. A command the server refuses is recorded with its reason and not sent again on
 * this connection.
 */
public final class DoctorReader implements AutoCloseable {

    /** What the rules read with CONFIG GET. Secrets (requirepass, masterauth) are deliberately absent. */
    static final List<String> CONFIG_PARAMETERS = List.of(
            "save",
            "appendonly",
            "appendfsync",
            "stop-writes-on-bgsave-error",
            "no-appendfsync-on-rewrite",
            "maxclients",
            "repl-backlog-size",
            "repl-timeout",
            "repl-ping-replica-period",
            "min-replicas-to-write",
            "min-replicas-max-lag",
            "client-output-buffer-limit",
            "tcp-keepalive",
            "timeout",
            "protected-mode",
            "bind",
            "slowlog-log-slower-than",
            "slowlog-max-len",
            "latency-monitor-threshold",
            "activedefrag",
            "hz",
            "enable-debug-command",
            "enable-module-command",
            "enable-protected-configs");

    static final int SLOWLOG_ENTRIES = 128;

    private final Target target;
    private final RedisConnector connector;
    private final Map<Source, String> refused = new EnumMap<>(Source.class);
    private StatefulRedisConnection<String, String> connection;

    public DoctorReader(Target target, RedisConnector connector) {
        this.target = target;
        this.connector = connector;
    }

    public synchronized Extras read() throws DoctorException {
        try {
            RedisCommands<String, String> redis = connection().sync();
            Map<Source, String> unavailable = new EnumMap<>(Source.class);
            ServerConfig config =
                    new ServerConfig(optional(Source.CONFIG, unavailable, () -> configGet(redis), Map.of()));
            List<LatencyEvent> latency = optional(
                    Source.LATENCY,
                    unavailable,
                    () -> LatencyEvent.parseLatest(redis.dispatch(
                            RedisKeyword.LATENCY, new NestedMultiOutput<>(StringCodec.UTF8), args("LATEST"))),
                    List.of());
            String latencyDoctor = optional(
                    Source.LATENCY_DOCTOR,
                    unavailable,
                    () -> redis.dispatch(RedisKeyword.LATENCY, new StatusOutput<>(StringCodec.UTF8), args("DOCTOR")),
                    "");
            String memoryDoctor = optional(
                    Source.MEMORY_DOCTOR,
                    unavailable,
                    () -> redis.dispatch(CommandType.MEMORY, new StatusOutput<>(StringCodec.UTF8), args("DOCTOR")),
                    "");
            List<SlowlogEntry> slowlog = optional(
                    Source.SLOWLOG,
                    unavailable,
                    () -> othersOnly(SlowlogEntry.parse(redis.slowlogGet(SLOWLOG_ENTRIES))),
                    List.of());
            String linkState = optional(Source.ROLE, unavailable, () -> replicaLinkState(redis.role()), "");
            ClientList clients = optional(
                    Source.CLIENT_LIST,
                    unavailable,
                    () -> ClientList.parse(redis.clientList()),
                    new ClientList(0, 0, 0, 0, List.of(), List.of()));
            List<AclUser> users = optional(Source.ACL, unavailable, () -> AclUser.parse(redis.aclList()), List.of());
            return new Extras(
                    config,
                    latency,
                    nullToEmpty(latencyDoctor),
                    nullToEmpty(memoryDoctor),
                    slowlog,
                    clients,
                    users,
                    linkState,
                    unavailable);
        } catch (RuntimeException failure) {
            close();
            PollFailure reason = PollFailure.classify(failure);
            throw new DoctorException(reason, reason.describe(target, failure));
        }
    }

    private StatefulRedisConnection<String, String> connection() {
        if (connection == null || !connection.isOpen()) {
            close();
            connection = connector.connect(target);
            refused.clear();
        }
        return connection;
    }

    /** Reads one source; a refusal (an error reply) is remembered and leaves the fallback in its place. */
    private <T> T optional(Source source, Map<Source, String> unavailable, Supplier<T> read, T fallback) {
        String earlier = refused.get(source);
        if (earlier != null) {
            unavailable.put(source, earlier);
            return fallback;
        }
        try {
            return read.get();
        } catch (RedisCommandExecutionException refusal) {
            String reason = source.command() + " refused: " + PollFailure.rootMessage(refusal);
            refused.put(source, reason);
            unavailable.put(source, reason);
            return fallback;
        }
    }

    /**
     * The slow log without the entries of the doctor's and the agent's own connections (named after the target's
     * client name): LATENCY DOCTOR or CLIENT LIST on a busy server must not be reported as the application's.
     */
    private List<SlowlogEntry> othersOnly(List<SlowlogEntry> entries) {
        String own = target.uri().getClientName();
        return own == null
                ? entries
                : entries.stream()
                        .filter(entry -> !entry.clientName().equals(own))
                        .toList();
    }

    /** Redis before 7.0 takes one parameter per CONFIG GET; such servers are asked one by one. */
    private static Map<String, String> configGet(RedisCommands<String, String> redis) {
        try {
            return redis.configGet(CONFIG_PARAMETERS.toArray(String[]::new));
        } catch (RedisCommandExecutionException tooMany) {
            if (!String.valueOf(tooMany.getMessage()).contains("wrong number of arguments")) {
                throw tooMany;
            }
            Map<String, String> values = new HashMap<>();
            CONFIG_PARAMETERS.forEach(parameter -> values.putAll(redis.configGet(parameter)));
            return values;
        }
    }

    /** ROLE of a replica is {@code [slave, host, port, state, offset]}; of a primary, nothing to keep. */
    private static String replicaLinkState(List<Object> role) {
        return role.size() >= 4 && "slave".equals(String.valueOf(role.get(0))) ? String.valueOf(role.get(3)) : "";
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private static CommandArgs<String, String> args(String word) {
        return new CommandArgs<>(StringCodec.UTF8).add(word);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Commands Lettuce has no typed method for. */
}
