package io.steward.diagnostics;

import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;
import static io.steward.diagnostics.Units.millis;
import static io.steward.diagnostics.Units.perSecond;

import io.steward.collector.LatencyEvent;
import io.steward.collector.SlowlogEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Latency: what the server's latency monitor and slow log recorded, and what keeps them blind. */
final class LatencyRules {

    static final double RECENT = 3600;
    static final double SLOW_P95_MS = 20;
    static final double SATURATED_CPU = 0.9;

    private LatencyRules() {}

    static List<Rule> all() {
        return List.of(
                events(),
                slowCommands(),
                expireCycle(),
                transparentHugePages(),
                monitorOff(),
                slowlogOff(),
                cpuSaturated());
    }

    static Rule events() {
        return Rule.of("latency-events", Area.LATENCY, Set.of(Source.LATENCY), o -> {
            List<LatencyEvent> events = o.latencyEvents().stream()
                    .sorted(Comparator.comparingLong(LatencyEvent::maxMillis).reversed())
                    .toList();
            if (events.isEmpty()) {
                return Optional.empty();
            }
            boolean recent = false;
            List<String> evidence = new ArrayList<>();
            Set<String> advice = new LinkedHashSet<>();
            for (LatencyEvent event : events) {
                double ago = o.serverTime() - event.lastSpike().getEpochSecond();
                recent |= ago < RECENT;
                evidence.add(event.event() + ": last spike " + millis(event.latestMillis()) + ", "
                        + duration(Math.max(0, ago)) + " ago; worst " + millis(event.maxMillis()));
                advice.add(LatencyAdvice.forEvent(event.event(), o));
            }
            o.config("latency-monitor-threshold")
                    .ifPresent(t ->
                            evidence.add("latency-monitor-threshold " + t + " ms: every spike listed took longer"));
            ServerAdvice.forkRate(o).ifPresent(evidence::add);
            LatencyEvent worst = events.get(0);
            return Optional.of(new Symptom(
                    recent ? Severity.WARNING : Severity.INFO,
                    "Redis stalled for up to " + millis(worst.maxMillis()) + " (" + worst.event() + ")"
                            + (events.size() > 1 ? " and " + count(events.size() - 1, "other kind") + " of spike" : "")
                            + (recent ? "" : ", none in the last hour"),
                    evidence,
                    String.join("\n", advice) + "\nAfter fixing: LATENCY RESET, so new spikes stand out"));
        });
    }

    static Rule slowCommands() {
        return Rule.of("latency-slow-commands", Area.LATENCY, Set.of(Source.SLOWLOG), o -> {
            List<SlowlogEntry> entries = applicationEntries(o.slowlog());
            if (entries.isEmpty()) {
                return Optional.empty();
            }
            List<Long> micros =
                    entries.stream().map(SlowlogEntry::durationMicros).sorted().toList();
            double p95 = micros.get((int) Math.ceil(0.95 * micros.size()) - 1) / 1000.0;
            boolean recent =
                    entries.stream().anyMatch(e -> o.serverTime() - e.time().getEpochSecond() < RECENT);
            Map<String, long[]> byCommand = new TreeMap<>();
            for (SlowlogEntry entry : entries) {
                long[] stats = byCommand.computeIfAbsent(entry.command(), c -> new long[2]);
                stats[0]++;
                stats[1] = Math.max(stats[1], entry.durationMicros());
            }
            List<String> evidence = new ArrayList<>();
            evidence.add(count(entries.size(), "entry") + " in SLOWLOG GET"
                    + o.config("slowlog-log-slower-than").stream()
                            .mapToObj(t -> " (slowlog-log-slower-than " + t + " µs)")
                            .findFirst()
                            .orElse("")
                    + ", 95th percentile "
                    + millis(p95) + (recent ? "" : ", none in the last hour"));
            byCommand.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                    .limit(5)
                    .forEach(e -> evidence.add(e.getKey() + ": " + count(e.getValue()[0], "time") + ", slowest "
                            + millis(e.getValue()[1] / 1000.0)));
            return Optional.of(new Symptom(
                    recent && p95 > SLOW_P95_MS ? Severity.WARNING : Severity.INFO,
                    "Slow commands block every other client: 95% of the logged ones took up to " + millis(p95),
                    evidence,
                    LatencyAdvice.forCommands(byCommand.keySet())));
        });
    }

    /**
     * The slow log without DEBUG: DEBUG SLEEP, POPULATE, RELOAD and the like are an operator's tools, not the
     * application's commands, and advice about them helps nobody. (The agent's own entries are gone already.)
     */
    static List<SlowlogEntry> applicationEntries(List<SlowlogEntry> entries) {
        return entries.stream()
                .filter(entry -> !entry.command().equalsIgnoreCase("DEBUG"))
                .toList();
    }

    static Rule expireCycle() {
        return Rule.of("latency-expire-cycle", Area.LATENCY, Set.of(Source.INFO, Source.RATES), o -> {
            double capped = o.delta("expired_time_cap_reached_count").orElse(0);
            if (capped <= 0) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("expired_time_cap_reached_count +" + count(capped) + " in " + duration(o.seconds())
                    + ": the expire cycle ran out of time and left expired keys behind");
            evidence.add("expired_keys " + perSecond(o.rate("expired_keys").orElse(0)) + ", expired_stale_perc "
                    + o.text("expired_stale_perc").orElse("?") + "% of sampled keys with a TTL are already expired"
                    + " (they still take memory)");
            o.config("hz")
                    .ifPresent(hz -> evidence.add("hz " + hz + ": the background tasks, the expire cycle among"
                            + " them, run " + hz + " times a second"));
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Keys expire faster than Redis can remove them: the expire cycle hits its time limit",
                    evidence,
                    "Spread expirations: give keys written together TTLs with some random jitter instead of one"
                            + " expiry time\n"
                            + (o.config("hz").orElse(100) < 100
                                    ? "CONFIG SET hz 100 (or" + " dynamic-hz yes) so the cycle runs more often\n"
                                    : "")
                            + "CONFIG SET lazyfree-lazy-expire yes frees big expired values in the background"));
        });
    }

    static Rule transparentHugePages() {
        return Rule.of("latency-transparent-huge-pages", Area.LATENCY, Set.of(Source.LATENCY_DOCTOR), o -> {
            if (!ServerAdvice.hugePagesDetected(o)) {
                return Optional.empty();
            }
            return Optional.of(
                    new Symptom(
                            Severity.WARNING,
                            "Redis runs on transparent huge pages: forks and writes during saves stall",
                            List.of(
                                    "LATENCY DOCTOR: \"I detected a non zero amount of anonymous huge pages used by your"
                                            + " process\"",
                                    "with huge pages a one-byte write during a fork copies 2 MiB"),
                            "On the host: echo never > /sys/kernel/mm/transparent_hugepage/enabled (and persist it, for"
                                    + " example with a systemd unit or transparent_hugepage=never on the kernel command line)"
                                    + "\nKeep disable-thp yes in redis.conf, then restart Redis to drop the huge pages it holds"));
        });
    }

    static Rule monitorOff() {
        return Rule.of("latency-monitor-off", Area.LATENCY, Set.of(Source.CONFIG), o -> {
            if (o.config("latency-monitor-threshold").orElse(-1) != 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.INFO,
                    "The latency monitor is off: stalls leave no trace, and LATENCY DOCTOR cannot see huge pages",
                    List.of("latency-monitor-threshold 0"),
                    "CONFIG SET latency-monitor-threshold 100 (milliseconds; it costs nothing until a spike happens)"
                            + "\nand the same in redis.conf"));
        });
    }

    static Rule slowlogOff() {
        return Rule.of("latency-slowlog-off", Area.LATENCY, Set.of(Source.CONFIG), o -> {
            long threshold = o.config("slowlog-log-slower-than").orElse(10000);
            long length = o.config("slowlog-max-len").orElse(128);
            if (threshold >= 0 && length > 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "The slow log is off: slow commands cannot be found",
                    List.of("slowlog-log-slower-than " + threshold + " µs, slowlog-max-len " + length),
                    "CONFIG SET slowlog-log-slower-than 10000\nCONFIG SET slowlog-max-len 128"));
        });
    }

    static Rule cpuSaturated() {
        return Rule.of("latency-cpu-saturated", Area.LATENCY, Set.of(Source.INFO, Source.RATES), o -> {
            boolean mainThread = o.number("used_cpu_user_main_thread").isPresent();
            String user = mainThread ? "used_cpu_user_main_thread" : "used_cpu_user";
            String sys = mainThread ? "used_cpu_sys_main_thread" : "used_cpu_sys";
            if (o.rate(user).isEmpty() || o.rate(sys).isEmpty()) {
                return Optional.empty();
            }
            double busy = o.rate(user).getAsDouble() + o.rate(sys).getAsDouble();
            if (busy <= SATURATED_CPU) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "The main thread is busy " + Units.percent(busy) + " of the time: commands queue up",
                    List.of(
                            user + " + " + sys + " grew " + String.format(java.util.Locale.ROOT, "%.2f", busy)
                                    + " s per second over " + duration(o.seconds()) + " (warning above "
                                    + Units.percent(SATURATED_CPU) + ")",
                            "commands in the sample: "
                                    + perSecond(
                                            o.rate("total_commands_processed").orElse(0)) + ", connected_clients "
                                    + count(o.number("connected_clients", 0))),
                    "Redis executes commands on one thread: split the data across shards (Redis Cluster), send reads"
                            + " to replicas, replace expensive commands (see latency-slow-commands), and consider"
                            + " io-threads for network-heavy loads"));
        });
    }
}
