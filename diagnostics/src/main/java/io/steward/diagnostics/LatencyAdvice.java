package io.steward.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What to do about each latency event and each kind of slow command: LATENCY DOCTOR's advice (src/latency.c),
 * plus advice for the events it leaves without any.
 */
final class LatencyAdvice {

    private static final Set<String> WHOLE_COLLECTION_READS = Set.of(
            "SMEMBERS",
            "HGETALL",
            "HKEYS",
            "HVALS",
            "LRANGE",
            "ZRANGE",
            "ZRANGEBYSCORE",
            "ZREVRANGE",
            "SORT",
            "SUNION",
            "SINTER",
            "SDIFF",
            "SUNIONSTORE",
            "SINTERSTORE",
            "ZUNIONSTORE",
            "ZINTERSTORE");

    private LatencyAdvice() {}

    static String forEvent(String event, Observation o) {
        if (event.startsWith("aof-fsync-always")) {
            return "aof-fsync-always: every write waits for fsync; CONFIG SET appendfsync everysec if a second of loss"
                    + " is acceptable";
        }
        if (event.equals("aof-write-active-child")) {
            return event + ": the AOF competes with a save for the disk; CONFIG SET no-appendfsync-on-rewrite yes if"
                    + " acceptable, and a local SSD";
        }
        if (event.startsWith("aof-") || event.equals("rdb-unlink-temp-file")) {
            return event + ": the disk is slow; use a local SSD and keep other I/O off that disk";
        }
        return switch (event) {
            case "fork" ->
                "fork: see persistence-slow-fork (HVM or bare metal rather than Xen, huge pages off,"
                        + " smaller instances)";
            case "command" ->
                "command: slow commands; see SLOWLOG GET and avoid O(N) commands on big keys" + slowlogHint(o);
            case "fast-command" ->
                "fast-command: even O(1) commands were slow, so the host starves Redis of CPU (load,"
                        + " a noisy neighbour, swapping); run redis-cli --intrinsic-latency 100 on the host";
            case "expire-cycle" ->
                "expire-cycle: many keys expire at once; spread TTLs with some jitter"
                        + (o.config("hz").orElse(100) < 100 ? ", and CONFIG SET hz 100" : "");
            case "eviction-del", "eviction-lazyfree" ->
                event + ": evicting big keys blocks; CONFIG SET" + " lazyfree-lazy-eviction yes, and split big keys";
            case "eviction-cycle" ->
                "eviction-cycle: eviction cannot keep up; avoid sudden maxmemory cuts and big"
                        + " STORE operations, CONFIG SET lazyfree-lazy-eviction yes";
            case "active-defrag-cycle" ->
                "active-defrag-cycle: defragmentation steps are too long; lower" + " active-defrag-cycle-max";
            case "while-blocked-cron" ->
                "while-blocked-cron: a long script or module call held the server; keep" + " scripts short";
            default ->
                event + ": see https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/latency/";
        };
    }

    static String forCommands(Set<String> commands) {
        List<String> advice = new ArrayList<>();
        if (commands.contains("KEYS")) {
            advice.add("KEYS walks every key: use SCAN (SCAN 0 MATCH pattern COUNT 1000) instead");
        }
        if (commands.stream().anyMatch(WHOLE_COLLECTION_READS::contains)) {
            advice.add("reading whole collections: page through them (SSCAN, HSCAN, ZSCAN, LRANGE with bounds) and"
                    + " split big keys");
        }
        if (commands.contains("DEL") || commands.contains("FLUSHALL") || commands.contains("FLUSHDB")) {
            advice.add("deleting big keys: UNLINK and FLUSHALL ASYNC free memory in the background");
        }
        if (commands.contains("EVAL") || commands.contains("EVALSHA") || commands.contains("FCALL")) {
            advice.add("scripts run alone: keep each script's work small");
        }
        advice.add(
                "SLOWLOG GET 128 shows each entry's arguments: look for big keys (redis-cli --bigkeys on a replica)");
        return String.join("\n", advice);
    }

    private static String slowlogHint(Observation o) {
        long slowlog = o.config("slowlog-log-slower-than").orElse(10000);
        long monitor = o.config("latency-monitor-threshold").orElse(0);
        if (monitor > 0 && (slowlog < 0 || slowlog / 1000 > monitor)) {
            return "; CONFIG SET slowlog-log-slower-than " + monitor * 1000 + " so the slow log records them";
        }
        return "";
    }
}
