package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.configSize;

import io.steward.collector.ServerConfig.OutputBufferLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings in which a replica differs from its primary. Nothing shows while the primary serves: they bite when the
 * replica is promoted, and the application meets the replica's memory limit, eviction, backlog, persistence and
 * buffer limits instead of the primary's.
 */
final class DriftRules {

    private DriftRules() {}

    static List<GroupRule> all() {
        return List.of(maxmemory(), backlog(), persistence(), outputBuffers());
    }

    /** A replica and its primary, both read with their configuration. */
    record Pair(GroupMember replica, GroupMember primary) {
        Observation r() {
            return replica.observed();
        }

        Observation p() {
            return primary.observed();
        }

        /** {@code on replica 127.0.0.2:7001 (primary 127.0.0.1:7000)}. */
        String names() {
            return "replica " + replica.node() + " (primary " + primary.node() + ")";
        }
    }

    /** Every read replica whose primary was read too, both with CONFIG GET. */
    static List<Pair> pairs(GroupObservation group) {
        List<Pair> pairs = new ArrayList<>();
        for (GroupMember replica : group.readDataNodes()) {
            if (!replica.observed().isReplica()) {
                continue;
            }
            group.primaryOf(replica)
                    .filter(GroupMember::isRead)
                    .filter(primary ->
                            primary.observed().unavailable(Source.CONFIG).isEmpty())
                    .filter(primary ->
                            replica.observed().unavailable(Source.CONFIG).isEmpty())
                    .ifPresent(primary -> pairs.add(new Pair(replica, primary)));
        }
        return pairs;
    }

    /** At least one replica read with its primary, both with CONFIG GET; else there is nothing to compare. */
    static final GroupRule.Needs PAIRS = GroupRule.onDataNodes(Source.INFO)
            .and(group -> pairs(group).isEmpty()
                    ? Optional.of("no replica was read together with its primary, both with CONFIG GET")
                    : Optional.empty());

    static GroupRule maxmemory() {
        return new GroupRule("drift-maxmemory", Area.CONFIG, PAIRS, group -> {
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            boolean doesNotFit = false;
            for (Pair pair : pairs(group)) {
                long mine = pair.r().config("maxmemory").orElse(0);
                long theirs = pair.p().config("maxmemory").orElse(0);
                String myPolicy = pair.r().configText("maxmemory-policy").orElse("?");
                String theirPolicy = pair.p().configText("maxmemory-policy").orElse("?");
                if (mine == theirs && myPolicy.equals(theirPolicy)) {
                    continue;
                }
                double data = dataset(pair.p());
                if (mine != theirs) {
                    evidence.add(pair.names() + ": maxmemory " + limit(mine) + " on the replica, " + limit(theirs)
                            + " on the primary, whose data is " + bytes(data) + " (used_memory_dataset)");
                    if (mine > 0 && mine < data) {
                        doesNotFit = true;
                        evidence.add("promoted, " + pair.replica().node() + " would be over its limit at once: it"
                                + " evicts keys or refuses writes (OOM) until the data fits in " + bytes(mine));
                    }
                    remedies.add(maxmemoryRemedy(pair, mine, theirs, data, evidence));
                }
                if (!myPolicy.equals(theirPolicy)) {
                    evidence.add(pair.names() + ": maxmemory-policy " + myPolicy + " on the replica, " + theirPolicy
                            + " on the primary");
                    remedies.add("on " + pair.replica().node() + ": CONFIG SET maxmemory-policy " + theirPolicy);
                }
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            evidence.add("a replica does not evict by its own limit (replica-ignore-maxmemory yes): the difference"
                    + " shows only once it is promoted");
            return Optional.of(new Symptom(
                    doesNotFit ? Severity.CRITICAL : Severity.WARNING,
                    doesNotFit
                            ? "A replica's maxmemory is below its primary's data: promoted, it would evict or refuse"
                                    + " writes at once"
                            : "A replica's memory limit or eviction policy differs from its primary's: a failover"
                                    + " changes how the data is evicted",
                    evidence,
                    String.join("\n", remedies) + "\nand the same in its redis.conf (CONFIG REWRITE)"));
        });
    }

    /** The replica gets the primary's limit, within what the replica's host or container has. */
    private static String maxmemoryRemedy(Pair pair, long mine, long theirs, double data, List<String> evidence) {
        String node = pair.replica().node();
        if (theirs == 0) {
            return "on " + node + ": CONFIG SET maxmemory 0, as on the primary (or give both one limit, well above"
                    + " the data's " + bytes(data) + " and within each host's memory)";
        }
        Sizing.Size size = Sizing.maxmemory(pair.r(), theirs);
        if (!size.bounded()) {
            return "on " + node + ": CONFIG SET maxmemory " + configSize(theirs);
        }
        evidence.add("the primary's limit does not fit " + node + ": " + size.bound());
        return size.configured() > data
                ? "on both: CONFIG SET maxmemory " + size.config() + " (what " + node + " can hold, above the"
                        + " data's " + bytes(data) + ")"
                : "give " + node + " as much memory as the primary has: the data (" + bytes(data) + ") does not fit"
                        + " in what it can hold";
    }

    /** The data itself, without the replication backlog and buffers that used_memory also counts. */
    static double dataset(Observation o) {
        return FullSync.of(o).bytes();
    }

    /** A size as CONFIG SET takes it: {@code 256mb} when it is whole megabytes, else bytes. */
    private static String size(long bytes) {
        return bytes % (long) Units.MIB == 0 ? bytes / (long) Units.MIB + "mb" : String.valueOf(bytes);
    }

    private static String limit(long bytes) {
        return bytes == 0 ? "0 (no limit)" : bytes(bytes);
    }

    /**
     * A promoted replica's backlog is what its replicas may fall behind by without a full resync. The advice is the
     * primary's size, but never more than a full resync would move (the data) nor than the replica's memory allows,
     * and the severity is what a full resync costs: seconds for small data, minutes for large.
     */
    static GroupRule backlog() {
        return new GroupRule("drift-backlog", Area.CONFIG, PAIRS, group -> {
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            double longestSync = 0;
            for (Pair pair : pairs(group)) {
                long mine = pair.r().config("repl-backlog-size").orElse(0);
                long theirs = pair.p().config("repl-backlog-size").orElse(0);
                Sizing.Size size = Sizing.backlog(pair.r(), theirs);
                if (mine >= size.configured()) {
                    continue; // what the replica has already holds all a full resync would move, or all that fits
                }
                FullSync sync = FullSync.of(pair.p());
                longestSync = Math.max(longestSync, sync.seconds());
                evidence.add(pair.names() + ": repl-backlog-size " + bytes(mine) + " on the replica, " + bytes(theirs)
                        + " on the primary");
                evidence.add("promoted, " + pair.replica().node() + " could take back a replica that fell behind by "
                        + bytes(mine) + " at most; beyond that every reconnect is a full resync: " + sync.describe());
                remedies.add("on " + pair.replica().node() + ": CONFIG SET repl-backlog-size " + size.config()
                        + (size.bounded() ? " (" + size.bound() + ")" : ""));
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            boolean costly = longestSync >= ReplicationRules.COSTLY_RESYNC;
            return Optional.of(new Symptom(
                    costly ? Severity.WARNING : Severity.INFO,
                    "A replica's replication backlog is smaller than its primary's: promoted, it would turn short"
                            + " disconnects of its replicas into full resyncs",
                    evidence,
                    String.join("\n", remedies) + "\nand the same in its redis.conf (CONFIG REWRITE)"));
        });
    }

    static GroupRule persistence() {
        return new GroupRule("drift-persistence", Area.CONFIG, PAIRS, group -> {
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            boolean promotedWithout = false;
            for (Pair pair : pairs(group)) {
                String mySave = pair.r().configText("save").orElse("").strip();
                String theirSave = pair.p().configText("save").orElse("").strip();
                String myAof = pair.r().configText("appendonly").orElse("no");
                String theirAof = pair.p().configText("appendonly").orElse("no");
                if (mySave.equals(theirSave) && myAof.equals(theirAof)) {
                    continue;
                }
                evidence.add(pair.names() + ": save \"" + mySave + "\", appendonly " + myAof
                        + " on the replica; save \"" + theirSave + "\", appendonly " + theirAof + " on the primary");
                boolean iPersist = !mySave.isEmpty() || myAof.equals("yes");
                boolean theyPersist = !theirSave.isEmpty() || theirAof.equals("yes");
                if (theyPersist && !iPersist) {
                    promotedWithout = true;
                }
                List<String> sets = new ArrayList<>();
                if (!mySave.equals(theirSave)) {
                    sets.add("CONFIG SET save \"" + theirSave + "\"");
                }
                if (!myAof.equals(theirAof)) {
                    sets.add("CONFIG SET appendonly " + theirAof);
                }
                remedies.add("on " + pair.replica().node() + ": " + String.join("; ", sets));
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            if (promotedWithout) {
                evidence.add("promoted, the replica would keep the data in memory only: a restart after the"
                        + " failover loses it");
            }
            return Optional.of(new Symptom(
                    promotedWithout ? Severity.WARNING : Severity.INFO,
                    promotedWithout
                            ? "A replica does not persist while its primary does: a failover leaves the data without"
                                    + " a copy on disk"
                            : "A replica persists differently from its primary: a failover changes how much a"
                                    + " restart loses",
                    evidence,
                    String.join("\n", remedies)
                            + "\nand the same in its redis.conf (CONFIG REWRITE); if the difference is deliberate"
                            + " (persistence on replicas only), make sure the primary never restarts empty"
                            + " before a replica takes over"));
        });
    }

    /**
     * The {@code replica} class decides whether a promoted replica's own replicas survive a full sync; the others
     * what its clients may buffer.
     */
    static GroupRule outputBuffers() {
        return new GroupRule("drift-output-buffer", Area.CONFIG, PAIRS, group -> {
            List<String> evidence = new ArrayList<>();
            List<String> remedies = new ArrayList<>();
            boolean smallerForReplicas = false;
            for (Pair pair : pairs(group)) {
                var mine = pair.r().latest().config().orElseThrow().outputBufferLimits();
                var theirs = pair.p().latest().config().orElseThrow().outputBufferLimits();
                if (mine.equals(theirs) || mine.isEmpty() || theirs.isEmpty()) {
                    continue;
                }
                List<String> classes = new ArrayList<>();
                for (String clientClass : theirs.keySet()) {
                    OutputBufferLimit my = mine.get(clientClass);
                    OutputBufferLimit their = theirs.get(clientClass);
                    if (Objects.equals(my, their)) {
                        continue;
                    }
                    evidence.add(pair.names() + ": client-output-buffer-limit " + clientClass + " " + describe(my)
                            + " on the replica, " + describe(their) + " on the primary");
                    if (clientClass.equals("replica") && my != null && smaller(my, their)) {
                        smallerForReplicas = true;
                    }
                    classes.add(clientClass + " " + size(their.hardBytes()) + " " + size(their.softBytes()) + " "
                            + their.softSeconds());
                }
                remedies.add("on " + pair.replica().node() + ": CONFIG SET client-output-buffer-limit \""
                        + String.join(" ", classes) + "\"");
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            if (smallerForReplicas) {
                evidence.add("promoted, the replica would drop its own replicas sooner during a full sync, which"
                        + " then starts over (replication-sync-loop-risk)");
            }
            return Optional.of(new Symptom(
                    smallerForReplicas ? Severity.WARNING : Severity.INFO,
                    smallerForReplicas
                            ? "A replica's output buffer limit for replicas is lower than its primary's: promoted, it"
                                    + " could drop its replicas mid-sync"
                            : "A replica's client output buffer limits differ from its primary's",
                    evidence,
                    String.join("\n", remedies) + "\nand the same in its redis.conf (CONFIG REWRITE)"));
        });
    }

    /** A limit is smaller when a bound the other lacks (0 = none) or a lower bound is set. */
    private static boolean smaller(OutputBufferLimit mine, OutputBufferLimit theirs) {
        return lower(mine.hardBytes(), theirs.hardBytes()) || lower(mine.softBytes(), theirs.softBytes());
    }

    private static boolean lower(long mine, long theirs) {
        return mine > 0 && (theirs == 0 || mine < theirs);
    }

    private static String describe(OutputBufferLimit limit) {
        return limit == null
                ? "(none)"
                : bytes(limit.hardBytes()) + " " + bytes(limit.softBytes()) + " " + limit.softSeconds() + " s";
    }
}
