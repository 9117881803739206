package io.steward.diagnostics;

import static io.steward.diagnostics.SentinelGroupView.PERSISTED;
import static io.steward.diagnostics.SentinelGroupView.rule;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;

import io.steward.collector.LatencyEvent;
import io.steward.collector.SentinelMaster;
import io.steward.diagnostics.SentinelGroupView.Seen;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings each Sentinel has for the master: how soon it calls the primary down, how long a failover may take,
 * how many replicas resync at once after one, and whether they all have the same.
 */
final class SentinelSettingsRules {

    /**
     * Below a second, a blip fails the primary over: Linux resends a lost packet after 200 ms at the earliest, then
     * after 400 and 800 ms, so three lost in a row already take 1.4 s.
     */
    static final long BLIP_MILLIS = 1000;
    /** Beyond a minute, a dead primary stays dead for minutes: the wait, then the failover itself. */
    static final long OUTAGE_MILLIS = 60_000;
    /**
     * The least a failover needs: the election (votes asked every second after a random delay of up to a second)
     * and the promotion (seen in the replica's INFO, read every second during a failover) each end within it.
     */
    static final long FAILOVER_FLOOR_MILLIS = 5000;
    /** Redis's own default failover-timeout, 3 minutes. */
    static final long FAILOVER_DEFAULT_MILLIS = 180_000;
    /** Beyond 10 minutes, a failover that fails is retried 20 minutes later: the primary stays down that long. */
    static final long FAILOVER_RETRY_MILLIS = 600_000;

    private SentinelSettingsRules() {}

    static List<GroupRule> all() {
        return List.of(downAfter(), failoverTimeout(), parallelSyncs(), settingsDiffer());
    }

    /** The longest the primary has blocked, in ms, by its last fork and LATENCY LATEST; 0 when unknown. */
    static long longestStall(SentinelGroupView view, List<String> evidence) {
        Optional<Observation> primary = view.primaryMember().map(GroupMember::observed);
        if (primary.isEmpty()) {
            return 0;
        }
        long fork = (long) (primary.get().number("latest_fork_usec", 0) / 1000);
        Optional<LatencyEvent> worst =
                primary.get().latencyEvents().stream().max(Comparator.comparingLong(LatencyEvent::maxMillis));
        long latency = worst.map(LatencyEvent::maxMillis).orElse(0L);
        if (fork >= latency && fork > 0) {
            evidence.add("the primary's last fork blocked it for " + Units.millis(fork) + " (latest_fork_usec)");
        } else if (latency > 0) {
            evidence.add("the primary blocked for " + Units.millis(latency) + " (LATENCY LATEST, "
                    + worst.get().event() + ")");
        }
        return Math.max(fork, latency);
    }

    static GroupRule downAfter() {
        return rule("sentinel-down-after", view -> {
            List<String> stall = new ArrayList<>();
            long blip = Math.max(BLIP_MILLIS, 2 * longestStall(view, stall));
            List<Seen> naming = view.namingPrimary();
            List<Seen> low = naming.stream()
                    .filter(s -> s.master().downAfterMillis() < blip)
                    .toList();
            List<Seen> high = naming.stream()
                    .filter(s -> s.master().downAfterMillis() > OUTAGE_MILLIS)
                    .toList();
            if (low.isEmpty() && high.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            SentinelGroupView.byValue(naming, s -> s.master().downAfterMillis())
                    .forEach((millis, nodes) ->
                            evidence.add("down-after-milliseconds " + millis + " on " + String.join(", ", nodes)));
            if (!low.isEmpty()) {
                evidence.add("a Sentinel deems the primary down once it has not answered validly for that long; a"
                        + " lost packet is resent after 200 ms at the earliest, then 400 and 800 ms: three lost in a"
                        + " row already take 1.4 s");
                evidence.addAll(stall);
                long advised = Math.max(5000, roundUp(2 * blip, 1000));
                return Optional.of(new Symptom(
                        Severity.WARNING,
                        "down-after-milliseconds is " + lowest(low, SentinelMaster::downAfterMillis)
                                + " ms: a stall of the primary or a few lost" + " packets that long fail it over",
                        evidence,
                        view.setOnEvery("down-after-milliseconds", advised) + "\n" + PERSISTED
                                + "\na failover costs more than it saves below a few seconds: the writes the new"
                                + " primary had not received are lost"));
            }
            long longest = high.stream()
                    .mapToLong(s -> s.master().downAfterMillis())
                    .max()
                    .orElseThrow();
            evidence.add("a dead primary is replaced only after that long, then the failover itself: writes fail"
                    + " for at least " + duration(longest / 1000.0));
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "down-after-milliseconds is " + longest + " ms: an outage of the primary lasts "
                            + duration(longest / 1000.0) + " or more before a failover starts",
                    evidence,
                    view.setOnEvery("down-after-milliseconds", Math.min(OUTAGE_MILLIS, Math.max(30_000, 2 * blip)))
                            + "\n" + PERSISTED));
        });
    }

    /**
     * The failover-timeout bounds the election and the promotion, and then the reconfiguration: the remaining
     * replicas resync from the new primary, {@code parallel-syncs} at a time, and those not done when it runs out
     * are all told to resync at once. A failed failover is retried after twice the timeout.
     */
    static GroupRule failoverTimeout() {
        return rule("sentinel-failover-timeout", view -> {
            List<Seen> naming = view.namingPrimary();
            Optional<FullSync> sync = view.primaryMember().map(m -> FullSync.of(m.observed()));
            int others = Math.max(0, view.replicasUp() - 1);
            List<String> evidence = new ArrayList<>();
            SentinelGroupView.byValue(naming, s -> s.master().failoverTimeoutMillis())
                    .forEach((millis, nodes) ->
                            evidence.add("failover-timeout " + millis + " on " + String.join(", ", nodes)));
            List<Seen> low = new ArrayList<>();
            long needed = FAILOVER_FLOOR_MILLIS;
            for (Seen seen : naming) {
                long resync = resyncMillis(sync, others, seen.master().parallelSyncs());
                long mine = Math.max(FAILOVER_FLOOR_MILLIS, resync);
                needed = Math.max(needed, mine);
                if (seen.master().failoverTimeoutMillis() < mine) {
                    low.add(seen);
                }
            }
            long retry = Math.max(FAILOVER_RETRY_MILLIS, 2 * needed);
            List<Seen> high = naming.stream()
                    .filter(s -> s.master().failoverTimeoutMillis() > retry)
                    .toList();
            if (low.isEmpty() && high.isEmpty()) {
                return Optional.empty();
            }
            long advised = Math.max(FAILOVER_DEFAULT_MILLIS, roundUp(2 * needed, 10_000));
            String remedy = view.setOnEvery("failover-timeout", advised) + "\n" + PERSISTED;
            if (!low.isEmpty()) {
                evidence.add("the election (votes asked every second, after a random delay of up to 1 s) and the"
                        + " promotion (seen in the replica's INFO, read every second in a failover) must each end"
                        + " within it: " + Units.duration(FAILOVER_FLOOR_MILLIS / 1000.0) + " at the least");
                sync.filter(s -> others > 0)
                        .ifPresent(s -> evidence.add("then the " + count(others, "other replica")
                                + " resync from the new primary, " + parallel(naming) + " at a time; " + s.describe()
                                + "; those not done when it runs out are all told to resync at once"));
                return Optional.of(new Symptom(
                        Severity.WARNING,
                        "failover-timeout is " + lowest(low, SentinelMaster::failoverTimeoutMillis)
                                + " ms: too short for a failover of this group to end" + " ("
                                + duration(needed / 1000.0) + " needed)",
                        evidence,
                        remedy));
            }
            long longest = high.stream()
                    .mapToLong(s -> s.master().failoverTimeoutMillis())
                    .max()
                    .orElseThrow();
            evidence.add("a failover that fails (its leader lost, no promotion seen) is retried only twice the"
                    + " failover-timeout later: " + duration(2 * longest / 1000.0) + " with the primary down");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "failover-timeout is " + longest + " ms: a failed failover leaves the primary down "
                            + duration(2 * longest / 1000.0) + " before the next try",
                    evidence,
                    remedy));
        });
    }

    /** How long the remaining replicas take to resync, {@code parallel} at a time; 0 without any. */
    private static long resyncMillis(Optional<FullSync> sync, int others, int parallel) {
        if (sync.isEmpty() || others == 0) {
            return 0;
        }
        int rounds = (others + Math.max(1, parallel) - 1) / Math.max(1, parallel);
        return (long) Math.ceil(sync.get().seconds() * 1000 * rounds);
    }

    /**
     * After a failover the replicas that were not promoted resync from the new primary, {@code parallel-syncs} at a
     * time. With two or more left and as many allowed at once, they are all loading the new primary's snapshot at
     * the same moment, and none serves reads: for as long as a full sync takes.
     */
    static GroupRule parallelSyncs() {
        return rule("sentinel-parallel-syncs", view -> {
            int replicas = view.replicasUp();
            int others = replicas - 1;
            if (others < 2) {
                return Optional.empty();
            }
            List<Seen> all = view.namingPrimary().stream()
                    .filter(s -> s.master().parallelSyncs() >= others)
                    .toList();
            if (all.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            SentinelGroupView.byValue(view.namingPrimary(), s -> s.master().parallelSyncs())
                    .forEach((n, nodes) -> evidence.add("parallel-syncs " + n + " on " + String.join(", ", nodes)));
            evidence.add(count(replicas, "replica") + ": after a failover one is promoted and the " + others
                    + " others resync from it all at once");
            Optional<FullSync> sync = view.primaryMember().map(m -> FullSync.of(m.observed()));
            evidence.add("a replica loading the new primary's snapshot answers LOADING to every command: for that"
                    + " time no replica serves reads"
                    + sync.map(full -> "; " + full.describe()).orElse(""));
            // All at once costs what one full sync takes: a pause of seconds is a note, minutes a warning.
            boolean costly = sync.map(full -> full.seconds() >= ReplicationRules.CHEAP_RESYNC)
                    .orElse(true);
            return Optional.of(new Symptom(
                    costly ? Severity.WARNING : Severity.INFO,
                    "parallel-syncs " + all.get(0).master().parallelSyncs() + " with " + count(replicas, "replica")
                            + ": after a failover every remaining replica resyncs at once, and none serves reads",
                    evidence,
                    view.setOnEvery("parallel-syncs", 1) + "\n" + PERSISTED
                            + "\n(up to " + (others - 1) + " still keeps one replica serving; if no reads go to the"
                            + " replicas, resyncing them all at once only ends sooner)"));
        });
    }

    /** Each Sentinel acts on its own settings: which one leads a failover decides how it goes. */
    static GroupRule settingsDiffer() {
        return rule("sentinel-settings-differ", view -> {
            List<Seen> naming = view.namingPrimary();
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            compare(view, naming, "quorum", m -> (long) m.quorum(), evidence, remedies);
            compare(view, naming, "down-after-milliseconds", SentinelMaster::downAfterMillis, evidence, remedies);
            compare(view, naming, "failover-timeout", SentinelMaster::failoverTimeoutMillis, evidence, remedies);
            compare(view, naming, "parallel-syncs", m -> (long) m.parallelSyncs(), evidence, remedies);
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            evidence.add("each Sentinel calls the primary down by its own quorum and down-after-milliseconds, and"
                    + " the one elected to lead a failover runs it by its own failover-timeout and parallel-syncs");
            return Optional.of(new Symptom(
                    Severity.INFO,
                    "The Sentinels' settings for " + view.masterName() + " differ: how a failover goes depends on"
                            + " which Sentinel leads it",
                    evidence,
                    String.join("\n", remedies) + "\n" + PERSISTED));
        });
    }

    /** One setting: each value with its Sentinels, and the value most of them have set on the others. */
    private static void compare(
            SentinelGroupView view,
            List<Seen> naming,
            String setting,
            Function<SentinelMaster, Long> value,
            List<String> evidence,
            List<String> remedies) {
        Map<Long, List<String>> byValue = SentinelGroupView.byValue(naming, s -> value.apply(s.master()));
        if (byValue.size() < 2) {
            return;
        }
        long common = byValue.entrySet().stream()
                .max(Comparator.comparingInt(e -> e.getValue().size()))
                .orElseThrow()
                .getKey();
        byValue.forEach((v, nodes) -> evidence.add(setting + " " + v + " on " + String.join(", ", nodes)));
        byValue.forEach((v, nodes) -> {
            if (!v.equals(common)) {
                remedies.add("on " + String.join(", ", nodes) + ": SENTINEL SET " + view.masterName() + " " + setting
                        + " " + common);
            }
        });
    }

    private static long lowest(List<Seen> seen, Function<SentinelMaster, Long> setting) {
        return seen.stream().mapToLong(s -> setting.apply(s.master())).min().orElseThrow();
    }

    private static String parallel(List<Seen> naming) {
        return naming.stream()
                .map(s -> String.valueOf(s.master().parallelSyncs()))
                .distinct()
                .reduce((a, b) -> a + " or " + b)
                .orElse("?");
    }

    private static long roundUp(long value, long step) {
        return (value + step - 1) / step * step;
    }
}
