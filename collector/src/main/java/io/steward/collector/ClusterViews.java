package io.steward.collector;

import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterNode.SlotRange;
import io.steward.collector.ClusterTopology.Node;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Merges the {@code CLUSTER NODES} views of a cluster's members into one {@link ClusterTopology}. */
final class ClusterViews {

    /** The failure and address flags that other nodes decide; a node never gives them to itself. */
    private static final Set<Flag> OPINIONS = EnumSet.of(Flag.FAIL, Flag.PFAIL, Flag.HANDSHAKE, Flag.NOADDR);

    private ClusterViews() {}

    /** One member's view: who answered, when, and what it saw. */
    private record View(String observerId, Instant time, ClusterNodes nodes) {}

    /** What one view says of one node. */
    private record Report(View view, ClusterNode line) {
        boolean own() {
            return line.myself();
        }
    }

    /** The highest config epoch first; at the same epoch the node's own word, then the freshest view. */
    private static final Comparator<Report> AUTHORITY = Comparator.<Report>comparingLong(
                    report -> report.line().configEpoch())
            .thenComparing(Report::own)
            .thenComparing(report -> report.view().time());

    static ClusterTopology merge(List<Snapshot> snapshots) {
        List<View> views = latestViewPerNode(snapshots);
        Map<String, List<Report>> reports = reportsByNode(views);
        List<Draft> drafts = new ArrayList<>();
        reports.forEach((key, about) -> drafts.add(draft(key, about)));

        String[] owners = new String[ClusterTopology.SLOTS];
        long[] ownerEpochs = new long[ClusterTopology.SLOTS];
        for (Draft draft : drafts) {
            if (draft.base.role() == Role.PRIMARY && !draft.id.isEmpty()) {
                claim(draft, owners, ownerEpochs);
            }
        }
        Map<String, List<SlotRange>> served = rangesByOwner(owners);
        List<Node> nodes = new ArrayList<>();
        for (Draft draft : drafts) {
            nodes.add(draft.node(served.getOrDefault(draft.id, List.of())));
        }
        nodes.sort(Comparator.comparing(Node::name));
        int notCovered = ClusterTopology.SLOTS
                - served.values().stream()
                        .flatMap(List::stream)
                        .mapToInt(SlotRange::size)
                        .sum();
        return ClusterTopology.assemble(nodes, notCovered, currentEpoch(snapshots, nodes));
    }

    private static List<View> latestViewPerNode(List<Snapshot> snapshots) {
        Map<String, View> views = new LinkedHashMap<>();
        for (Snapshot snapshot : snapshots) {
            snapshot.clusterNodes()
                    .optional()
                    .ifPresent(nodes -> nodes.myself().ifPresent(myself -> {
                        View view = new View(myself.id(), snapshot.time(), nodes);
                        views.merge(myself.id(), view, (a, b) -> b.time().isAfter(a.time()) ? b : a);
                    }));
        }
        return List.copyOf(views.values());
    }

    /**
     * Reports by node id. A node in handshake has a provisional id that differs from view to view, so those lines go
     * by address: to the node of that address if one is known, else to a node of their own.
     */
    private static Map<String, List<Report>> reportsByNode(List<View> views) {
        Map<String, List<Report>> byId = new LinkedHashMap<>();
        List<Report> handshakes = new ArrayList<>();
        for (View view : views) {
            for (ClusterNode line : view.nodes().nodes()) {
                Report report = new Report(view, line);
                if (line.has(Flag.HANDSHAKE)) {
                    handshakes.add(report);
                } else {
                    byId.computeIfAbsent(line.id(), id -> new ArrayList<>()).add(report);
                }
            }
        }
        Map<String, String> idByAddress = new LinkedHashMap<>();
        byId.forEach((id, about) -> idByAddress.putIfAbsent(base(about).line().address(), id));
        for (Report handshake : handshakes) {
            String address = handshake.line().address();
            String key = idByAddress.getOrDefault(address, "handshake " + address);
            List<Report> about = byId.computeIfAbsent(key, k -> new ArrayList<>());
            if (about.stream().noneMatch(report -> report.view() == handshake.view())) {
                about.add(handshake);
            }
        }
        return byId;
    }

    private static Report base(List<Report> about) {
        return about.stream().max(AUTHORITY).orElseThrow();
    }

    /** A node settled but for its slots, which depend on the other primaries' claims. */
    private record Draft(String id, ClusterNode base, Set<Flag> flags, boolean linkUp, Report own) {
        Node node(List<SlotRange> slots) {
            Role role = base.has(Flag.HANDSHAKE) ? Role.UNKNOWN : base.role();
            String shard = role == Role.PRIMARY ? id : role == Role.REPLICA ? base.primaryId() : "";
            List<OpenSlot> open = own == null ? List.of() : own.line().openSlots();
            return new Node(
                    id,
                    base.address(),
                    role,
                    base.primaryId(),
                    shard,
                    base.configEpoch(),
                    flags,
                    linkUp,
                    slots,
                    open,
                    own != null);
        }
    }

    private static Draft draft(String key, List<Report> about) {
        Report base = base(about);
        Report own = about.stream().filter(Report::own).findFirst().orElse(null);
        List<Report> others = about.stream().filter(report -> !report.own()).toList();
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        for (Flag flag : OPINIONS) {
            long saying = others.stream()
                    .filter(report -> report.line().has(flag)
                            || (flag == Flag.PFAIL && report.line().has(Flag.FAIL)))
                    .count();
            if (majority(saying, others.size())) {
                flags.add(flag);
            }
        }
        if (flags.contains(Flag.FAIL)) {
            flags.remove(Flag.PFAIL);
        }
        if (base.line().has(Flag.NOFAILOVER)) {
            flags.add(Flag.NOFAILOVER);
        }
        long connected =
                others.stream().filter(report -> report.line().linkUp()).count();
        boolean linkUp = others.isEmpty() || majority(connected, others.size());
        String id = key.startsWith("handshake ") ? "" : key;
        return new Draft(id, base.line(), flags, linkUp, own);
    }

    private static boolean majority(long count, int of) {
        return of > 0 && count * 2 > of;
    }

    /** A slot claimed twice goes to the claim of the higher config epoch, as the cluster itself decides. */
    private static void claim(Draft primary, String[] owners, long[] ownerEpochs) {
        long epoch = primary.base.configEpoch();
        for (SlotRange range : primary.base.slots()) {
            for (int slot = range.first(); slot <= range.last(); slot++) {
                if (owners[slot] == null
                        || epoch > ownerEpochs[slot]
                        || (epoch == ownerEpochs[slot] && primary.id.compareTo(owners[slot]) < 0)) {
                    owners[slot] = primary.id;
                    ownerEpochs[slot] = epoch;
                }
            }
        }
    }

    /** Each owner's slot ranges in the settled slot table, in one pass over it. */
    private static Map<String, List<SlotRange>> rangesByOwner(String[] slotOwners) {
        Map<String, List<SlotRange>> ranges = new LinkedHashMap<>();
        int start = 0;
        for (int slot = 1; slot <= ClusterTopology.SLOTS; slot++) {
            if (slot == ClusterTopology.SLOTS || !Objects.equals(slotOwners[slot], slotOwners[start])) {
                if (slotOwners[start] != null) {
                    ranges.computeIfAbsent(slotOwners[start], owner -> new ArrayList<>())
                            .add(new SlotRange(start, slot - 1));
                }
                start = slot;
            }
        }
        return ranges;
    }

    private static long currentEpoch(List<Snapshot> snapshots, List<Node> nodes) {
        long highest = nodes.stream().mapToLong(Node::configEpoch).max().orElse(0);
        for (Snapshot snapshot : snapshots) {
            String reported = snapshot.cluster().orElse(Map.of()).get("cluster_current_epoch");
            highest = Math.max(highest, Numbers.wholeNumber(reported).orElse(0));
        }
        return highest;
    }
}
