package io.steward.diagnostics;

import io.steward.collector.InfoParser;
import io.steward.collector.LatencyEvent;
import io.steward.collector.MemoryStats;
import io.steward.collector.RedisInfo;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Everything the rules look at for one server: the latest INFO sample, an earlier one for rates, and the
 * {@link Extras}. Missing fields stay missing ({@code OptionalDouble.empty()}), never zero, so a rule never
 * judges a number the server did not report.
 *
 * @param earlier the first INFO sample, or null when there is only one (then {@code ratesUnavailable} says why)
 */
public record Observation(
        Target target,
        Instant time,
        RedisInfo info,
        RedisInfo earlier,
        Duration window,
        MemoryStats memoryStats,
        Map<String, String> clusterInfo,
        Extras extras,
        String ratesUnavailable) {

    /** One replica as its primary lists it ({@code slaveN:ip=..,port=..,state=..,offset=..,lag=..}). */
    public record ReplicaLink(String address, String state, long offset, long lagSeconds) {}

    /** One logical database of {@code INFO keyspace}. */
    public record Keyspace(String db, long keys, long expires) {}

    public Observation {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(memoryStats, "memoryStats");
        clusterInfo = Map.copyOf(clusterInfo);
        Objects.requireNonNull(extras, "extras");
        if (earlier == null) {
            Objects.requireNonNull(ratesUnavailable, "ratesUnavailable");
        }
    }

    /** Two samples of the same server; rates are measured between them unless the server restarted in between. */
    public static Observation of(Snapshot earlier, Snapshot latest, Extras extras) {
        String runBefore = earlier.info().text("run_id", "");
        String runAfter = latest.info().text("run_id", "");
        Duration window = Duration.between(earlier.time(), latest.time());
        if (!runBefore.equals(runAfter) || window.isNegative() || window.isZero()) {
            return single(latest, extras, "the server restarted between the two INFO samples");
        }
        return new Observation(
                latest.target(),
                latest.time(),
                latest.info(),
                earlier.info(),
                window,
                latest.memoryStats(),
                latest.clusterInfo(),
                extras,
                null);
    }

    /** One sample only: the rules that need rates are skipped with {@code why}. */
    public static Observation single(Snapshot latest, Extras extras, String why) {
        return new Observation(
                latest.target(),
                latest.time(),
                latest.info(),
                null,
                Duration.ZERO,
                latest.memoryStats(),
                latest.clusterInfo(),
                extras,
                why);
    }

    /** Why a source cannot be used, or empty when it can. */
    public Optional<String> unavailable(Source source) {
        return switch (source) {
            case INFO -> Optional.empty();
            case RATES -> Optional.ofNullable(earlier == null ? ratesUnavailable : null);
            case CLUSTER ->
                isCluster() && clusterInfo.isEmpty()
                        ? Optional.of("CLUSTER INFO was refused or not answered")
                        : Optional.empty();
            default -> Optional.ofNullable(extras.unavailable().get(source));
        };
    }

    public OptionalDouble number(String field) {
        return info.number(field);
    }

    public double number(String field, double fallback) {
        return info.number(field).orElse(fallback);
    }

    public Optional<String> text(String field) {
        return info.get(field);
    }

    /** How much a counter grew between the samples; empty with one sample, a missing field or a reset counter. */
    public OptionalDouble delta(String field) {
        if (earlier == null) {
            return OptionalDouble.empty();
        }
        OptionalDouble before = earlier.number(field);
        OptionalDouble after = info.number(field);
        if (before.isEmpty() || after.isEmpty() || after.getAsDouble() < before.getAsDouble()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(after.getAsDouble() - before.getAsDouble());
    }

    /** {@link #delta} per second of the window. */
    public OptionalDouble rate(String field) {
        OptionalDouble delta = delta(field);
        return delta.isEmpty() ? delta : OptionalDouble.of(delta.getAsDouble() / seconds());
    }

    /**
     * Growth of one value of a nested field ({@code errorstat_OOM:count=3}, {@code cmdstat_keys:calls=2}) between
     * the samples. A field that first appears in the later sample grew from zero.
     */
    public OptionalDouble nestedDelta(String field, String key) {
        if (earlier == null) {
            return OptionalDouble.empty();
        }
        double after = nested(info, field, key);
        double before = earlier.get(field).isPresent() ? nested(earlier, field, key) : 0;
        return after >= before ? OptionalDouble.of(after - before) : OptionalDouble.empty();
    }

    /** Growth of every {@code errorstat_*} count in the window, by error prefix ({@code OOM}, {@code ERR}, ...). */
    public Map<String, Double> errorGrowth() {
        Map<String, Double> growth = new LinkedHashMap<>();
        for (String field : info.section("errorstats").keySet()) {
            nestedDelta(field, "count").ifPresent(d -> {
                if (d > 0) {
                    growth.put(field.substring("errorstat_".length()), d);
                }
            });
        }
        return growth;
    }

    /** A nested value of the latest sample ({@code cmdstat_keys}, {@code calls}); 0 when absent. */
    public double nested(String field, String key) {
        return nested(info, field, key);
    }

    private static double nested(RedisInfo info, String field, String key) {
        return info.get(field)
                .map(v -> InfoParser.nested(v).get(key))
                .map(InfoParser::toNumber)
                .filter(OptionalDouble::isPresent)
                .map(OptionalDouble::getAsDouble)
                .orElse(0.0);
    }

    /** The window between the samples in seconds (0 with one sample). */
    public double seconds() {
        return window.toNanos() / 1e9;
    }

    public OptionalLong config(String parameter) {
        return extras.config().number(parameter);
    }

    public Optional<String> configText(String parameter) {
        return extras.config().get(parameter);
    }

    public boolean isPrimary() {
        return info.role().equals("master");
    }

    public boolean isReplica() {
        return info.role().equals("slave");
    }

    public boolean isCluster() {
        return info.text("cluster_enabled", "0").equals("1");
    }

    /** The server's own clock, in Unix seconds: INFO's {@code server_time_usec}, else when the sample was taken. */
    public double serverTime() {
        return number("server_time_usec").isPresent()
                ? number("server_time_usec").getAsDouble() / 1e6
                : time.toEpochMilli() / 1e3;
    }

    public List<ReplicaLink> replicas() {
        List<ReplicaLink> replicas = new ArrayList<>();
        info.section("replication").forEach((field, value) -> {
            if (field.matches("slave\\d+")) {
                Map<String, String> link = InfoParser.nested(value);
                replicas.add(new ReplicaLink(
                        link.getOrDefault("ip", "?") + ":" + link.getOrDefault("port", "?"),
                        link.getOrDefault("state", "?"),
                        parseLong(link.get("offset")),
                        parseLong(link.get("lag"))));
            }
        });
        return replicas;
    }

    public List<Keyspace> keyspace() {
        List<Keyspace> databases = new ArrayList<>();
        info.section("keyspace").forEach((db, value) -> {
            Map<String, String> fields = InfoParser.nested(value);
            databases.add(new Keyspace(db, parseLong(fields.get("keys")), parseLong(fields.get("expires"))));
        });
        return databases;
    }

    public List<LatencyEvent> latencyEvents() {
        return extras.latencyEvents();
    }

    private static long parseLong(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }
}
