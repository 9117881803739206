package io.steward.collector;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** The {@code CONFIG GET} values the exporter, the doctor and backups read, with the structured ones typed. */
public record ServerConfig(Map<String, String> values) {

    /**
     * The one parameter list: cheap to read, everything the agent looks at. Secrets ({@code requirepass},
     * {@code masterauth}) are deliberately absent, so they never reach the agent's memory.
     */
    public static final List<String> PARAMETERS = List.of(
            "maxmemory",
            "maxmemory-policy",
            "maxclients",
            "databases",
            "io-threads",
            "repl-backlog-size",
            "repl-backlog-ttl",
            "repl-timeout",
            "repl-ping-replica-period",
            "repl-diskless-sync",
            "min-replicas-to-write",
            "min-replicas-max-lag",
            "replica-read-only",
            "replica-priority",
            "replica-ignore-maxmemory",
            "client-output-buffer-limit",
            "appendonly",
            "appendfsync",
            "no-appendfsync-on-rewrite",
            "save",
            "dir",
            "dbfilename",
            "stop-writes-on-bgsave-error",
            "tcp-keepalive",
            "timeout",
            "protected-mode",
            "bind",
            "slowlog-log-slower-than",
            "slowlog-max-len",
            "latency-monitor-threshold",
            "activedefrag",
            "lazyfree-lazy-eviction",
            "hz",
            "enable-debug-command",
            "enable-module-command",
            "enable-protected-configs",
            // Read on every server: Redis 7.0 has them outside cluster mode too (with their defaults).
            "cluster-node-timeout",
            "cluster-require-full-coverage",
            "cluster-allow-reads-when-down");

    /** One class of {@code client-output-buffer-limit}; zero bytes or seconds means no limit. */
    public record OutputBufferLimit(long hardBytes, long softBytes, long softSeconds) {}

    /** One {@code save} point: snapshot after {@code seconds} when at least {@code changes} keys changed. */
    public record SavePoint(long seconds, long changes) {}

    public ServerConfig {
        values = shared(values);
    }

    /**
     * The values keyed by the names in {@link #PARAMETERS} themselves, and the usual {@code yes} and {@code no} as
     * constants: an agent keeps a configuration of every target, and each reply would otherwise bring its own copies.
     */
    private static Map<String, String> shared(Map<String, String> values) {
        Map<String, String> copy = new HashMap<>();
        values.forEach((name, value) -> {
            int known = PARAMETERS.indexOf(name);
            copy.put(
                    known < 0 ? name : PARAMETERS.get(known),
                    value.equals("yes") ? "yes" : value.equals("no") ? "no" : value);
        });
        return Map.copyOf(copy);
    }

    public Optional<String> get(String parameter) {
        return Optional.ofNullable(values.get(parameter));
    }

    public OptionalLong number(String parameter) {
        return Numbers.wholeNumber(values.get(parameter));
    }

    public boolean isYes(String parameter) {
        return "yes".equals(values.get(parameter));
    }

    /**
     * {@code client-output-buffer-limit} by class: {@code normal}, {@code replica} (Redis says {@code slave}
     * before 7.0), {@code pubsub}. Empty when not read or not in the expected "class hard soft seconds" form.
     */
    public Map<String, OutputBufferLimit> outputBufferLimits() {
        String[] words =
                values.getOrDefault("client-output-buffer-limit", "").strip().split("\\s+");
        Map<String, OutputBufferLimit> limits = new LinkedHashMap<>();
        for (int i = 0; i + 3 < words.length; i += 4) {
            String clientClass = words[i].toLowerCase(Locale.ROOT).equals("slave") ? "replica" : words[i];
            OptionalLong hard = Numbers.wholeNumber(words[i + 1]);
            OptionalLong soft = Numbers.wholeNumber(words[i + 2]);
            OptionalLong seconds = Numbers.wholeNumber(words[i + 3]);
            if (hard.isEmpty() || soft.isEmpty() || seconds.isEmpty()) {
                return Map.of();
            }
            limits.put(clientClass, new OutputBufferLimit(hard.getAsLong(), soft.getAsLong(), seconds.getAsLong()));
        }
        return limits;
    }

    /** The {@code save} points; empty when snapshots are off, not read, or malformed. */
    public List<SavePoint> savePoints() {
        String[] words = values.getOrDefault("save", "").strip().split("\\s+");
        List<SavePoint> points = new ArrayList<>();
        for (int i = 0; i + 1 < words.length; i += 2) {
            OptionalLong seconds = Numbers.wholeNumber(words[i]);
            OptionalLong changes = Numbers.wholeNumber(words[i + 1]);
            if (seconds.isEmpty() || changes.isEmpty()) {
                return List.of();
            }
            points.add(new SavePoint(seconds.getAsLong(), changes.getAsLong()));
        }
        return points;
    }

    /** Where Redis writes its RDB ({@code dir}/{@code dbfilename}), when both were read and make a path. */
    public Optional<Path> rdbFile() {
        String dir = values.get("dir");
        String name = values.get("dbfilename");
        if (dir == null || name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(dir).resolve(name));
        } catch (java.nio.file.InvalidPathException notAPath) {
            // A name this file system cannot hold (a NUL byte): the file is not one the agent can read.
            return Optional.empty();
        }
    }
}
