package io.steward.collector;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The slow-changing {@code CONFIG GET} values the agent and its checks need. Empty when the server refuses
 * {@code CONFIG} (ACL rules, managed Redis), which is not an error.
 */
public record ServerConfig(Map<String, String> values) {

    /** What is read: little enough to be cheap, everything the exporter and the doctor look at. */
    public static final List<String> PARAMETERS = List.of(
            "maxmemory",
            "maxmemory-policy",
            "maxclients",
            "databases",
            "io-threads",
            "repl-backlog-size",
            "repl-backlog-ttl",
            "repl-timeout",
            "repl-diskless-sync",
            "min-replicas-to-write",
            "min-replicas-max-lag",
            "replica-read-only",
            "client-output-buffer-limit",
            "appendonly",
            "appendfsync",
            "save",
            "dir",
            "dbfilename",
            "stop-writes-on-bgsave-error",
            "tcp-keepalive",
            "timeout",
            "protected-mode",
            "bind",
            "slowlog-log-slower-than",
            "latency-monitor-threshold",
            "activedefrag",
            "lazyfree-lazy-eviction",
            "hz");

    public ServerConfig {
        values = Map.copyOf(values);
    }

    public static ServerConfig unavailable() {
        return new ServerConfig(Map.of());
    }

    public Optional<String> get(String parameter) {
        return Optional.ofNullable(values.get(parameter));
    }

    public OptionalLong number(String parameter) {
        String value = values.get(parameter);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException notANumber) {
            return OptionalLong.empty();
        }
    }
}
