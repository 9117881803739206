package io.steward.backup;

import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterNode.SlotRange;
import io.steward.collector.ClusterTopology;
import io.steward.collector.DaemonThreads;
import io.steward.collector.GroupSurvey;
import io.steward.collector.Member;
import io.steward.collector.Role;
import io.steward.collector.Target;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a Redis Cluster's backup set: one RDB per shard that serves slots, each from the member {@link MemberChoice}
 * picks, copied side by side ({@code backup.parallel} at a time), then the set's manifest, last. A set is whole or
 * does not exist: when a shard fails, or a failover moved a shard's slots to another primary between the surveys
 * before and after the copies, the shards already stored are deleted and nothing is listed.
 */
final class ClusterBackup {

    private static final Logger logger = LoggerFactory.getLogger(ClusterBackup.class);

    /** Copies one node's RDB into the store under a key, leaving nothing there when it fails. */
    @FunctionalInterface
    interface NodeCopier {
        BackupRunner.NodeCopy copy(Target node, String dataKey, BackupOptions options, Progress progress);
    }

    /** One shard to copy: its number in the set, its primary's slots, the member chosen and the object it goes to. */
    private record Planned(
            int index,
            ClusterTopology.Shard shard,
            List<SlotRange> slots,
            List<String> openSlots,
            MemberChoice.Chosen chosen,
            String dataKey) {

        String label() {
            return "shard " + index + " (slots " + ranges() + ")";
        }

        List<String> slotTexts() {
            return slots.stream().map(SlotRange::toString).toList();
        }

        String ranges() {
            return String.join(" ", slotTexts());
        }
    }

    /** What the copies left: a copy per shard that succeeded, the failure of each that did not. */
    private record Copies(Map<Planned, BackupRunner.NodeCopy> done, Map<Planned, Throwable> failed) {}

    private final Function<Target, GroupSurvey.Result> survey;
    private final NodeCopier copier;
    private final BackupStore store;
    private final Compression compression;
    private final Clock clock;
    private final String agentVersion;

    ClusterBackup(
            Function<Target, GroupSurvey.Result> survey,
            NodeCopier copier,
            BackupStore store,
            Compression compression,
            Clock clock,
            String agentVersion) {
        this.survey = survey;
        this.copier = copier;
        this.store = store;
        this.compression = compression;
        this.clock = clock;
        this.agentVersion = agentVersion;
    }

    Manifest take(
            Target cluster,
            String id,
            Instant started,
            BackupOptions options,
            Progress progress,
            Optional<Manifest.Scheduled> fire) {
        SurveyedGroup before = SurveyedGroup.of(cluster, survey.apply(cluster));
        ClusterTopology topology = clusterTopology(cluster, before);
        refuseMovingSlots(cluster, topology, options);
        List<Planned> plan = plan(cluster, id, topology, before, options);
        Copies copies = copyAll(cluster, plan, options, progress);
        List<String> written =
                copies.done().keySet().stream().map(Planned::dataKey).toList();
        if (!copies.failed().isEmpty()) {
            deleteQuietly(written);
            Optional<String> failover = failoverSeenAfter(cluster, plan);
            if (failover.isPresent()) {
                throw failover(cluster, failover.get());
            }
            throw shardFailure(cluster, plan, copies.failed());
        }
        Optional<String> failover;
        try {
            failover = failover(plan, clusterTopology(cluster, SurveyedGroup.of(cluster, survey.apply(cluster))));
        } catch (BackupException unseen) {
            deleteQuietly(written);
            throw new BackupException(
                    unseen.reason(),
                    "cannot tell whether a failover happened in " + cluster + " while its backup set was taken ("
                            + unseen.getMessage() + "); the set was not kept: run the backup again",
                    unseen);
        }
        if (failover.isPresent()) {
            deleteQuietly(written);
            throw failover(cluster, failover.get());
        }
        List<Manifest.Shard> shards = new ArrayList<>();
        for (Planned shard : plan) {
            BackupRunner.NodeCopy copy = copies.done().get(shard);
            shards.add(new Manifest.Shard(
                    shard.index(),
                    shard.slotTexts(),
                    copy.source().because(shard.chosen().why()),
                    copy.rdb(),
                    copy.stored(),
                    copy.keys(),
                    shard.openSlots()));
        }
        boolean counted =
                plan.stream().allMatch(shard -> copies.done().get(shard).keysCounted());
        Manifest manifest = Manifest.ofSet(id, cluster.name(), started, clock.instant(), shards, agentVersion)
                .withKeysCounted(counted)
                .scheduledFor(fire);
        String manifestKey = BackupLayout.key(cluster.name(), id, Manifest.FILE_NAME);
        try {
            store.createSmall(manifestKey, manifest.toJson());
        } catch (BackupException failure) {
            // The manifest may be stored all the same (the store's answer was lost, or a retry found it there): it
            // goes first, and the shards only once it is gone, so no listed set ever lacks one of them.
            if (deleteQuietly(List.of(manifestKey))) {
                deleteQuietly(written);
            }
            throw failure;
        }
        return manifest;
    }

    private static ClusterTopology clusterTopology(Target cluster, SurveyedGroup surveyed) {
        if (!(surveyed.topology() instanceof ClusterTopology topology)) {
            throw new IllegalArgumentException(cluster + " is not a Redis Cluster");
        }
        return topology;
    }

    /** Keys of a slot being moved may be in both shards' RDBs, or in neither: such a set is refused unless allowed. */
    private static void refuseMovingSlots(Target cluster, ClusterTopology topology, BackupOptions options) {
        List<String> moving = new ArrayList<>();
        for (ClusterTopology.Node node : topology.nodes()) {
            for (OpenSlot open : node.openSlots()) {
                String peer = topology.node(open.peerId())
                        .map(ClusterTopology.Node::name)
                        .orElse(open.peerId());
                moving.add(
                        open.direction() == OpenSlot.Direction.MIGRATING
                                ? "slot " + open.slot() + " migrating from " + node.name() + " to " + peer
                                : "slot " + open.slot() + " importing into " + node.name() + " from " + peer);
            }
        }
        if (moving.isEmpty()) {
            return;
        }
        if (options.allowMigrating()) {
            logger.warn(
                    "taking the backup set of {} while slots are moved ({}): the keys of those slots may be in two"
                            + " shards or in none",
                    cluster,
                    String.join("; ", moving));
            return;
        }
        throw new BackupException(
                BackupFailure.SLOTS_MIGRATING,
                "slots of " + cluster + " are being moved (" + String.join("; ", moving) + "), so a backup set"
                        + " taken now could hold their keys twice or not at all; nothing was taken. Finish or cancel"
                        + " the move (redis-cli --cluster fix, or CLUSTER SETSLOT <slot> STABLE on each node), or"
                        + " give --allow-migrating");
    }

    /** The shards that serve slots, in slot order, each with its member chosen and its object's key. */
    private List<Planned> plan(
            Target cluster, String id, ClusterTopology topology, SurveyedGroup survey, BackupOptions options) {
        List<ClusterTopology.Shard> serving = topology.shards().stream()
                .filter(shard -> shard.slotCount() > 0)
                .sorted(Comparator.comparingInt(ClusterBackup::firstSlot))
                .toList();
        if (serving.isEmpty()) {
            throw new BackupException(
                    BackupFailure.REDIS_CONNECT, "no primary of " + cluster + " serves slots: nothing to back up");
        }
        if (topology.slotsNotCovered() > 0) {
            logger.warn(
                    "{} slots of {} are served by no primary; the backup set holds the others",
                    topology.slotsNotCovered(),
                    cluster);
        }
        List<Planned> plan = new ArrayList<>();
        for (ClusterTopology.Shard shard : serving) {
            int index = plan.size();
            ClusterTopology.Node primary = shard.primary().orElseThrow();
            Planned planned = new Planned(
                    index,
                    shard,
                    primary.slots().stream()
                            .sorted(Comparator.comparingInt(SlotRange::first))
                            .toList(),
                    primary.openSlots().stream().map(ClusterBackup::asWritten).toList(),
                    MemberChoice.ofShard(shard, survey, options),
                    BackupLayout.key(cluster.name(), id, compression.objectName("shard-" + index)));
            logger.info(
                    "{} of {} is copied from {}",
                    planned.label(),
                    cluster,
                    planned.chosen().why());
            plan.add(planned);
        }
        return plan;
    }

    private static int firstSlot(ClusterTopology.Shard shard) {
        return shard.primary().orElseThrow().slots().stream()
                .mapToInt(SlotRange::first)
                .min()
                .orElse(Integer.MAX_VALUE);
    }

    /** As CLUSTER NODES writes it: {@code [5000->-<id>]} or {@code [5000-<-<id>]}. */
    private static String asWritten(OpenSlot open) {
        return "[" + open.slot() + (open.direction() == OpenSlot.Direction.MIGRATING ? "->-" : "-<-") + open.peerId()
                + "]";
    }

    /** Copies every shard, {@code parallel} at once; once one has failed, shards not begun yet are not begun. */
    private Copies copyAll(Target cluster, List<Planned> plan, BackupOptions options, Progress progress) {
        SetProgress shared = new SetProgress(progress, plan.size());
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(options.parallel(), plan.size()), DaemonThreads.named("steward-backup-shard"));
        try {
            Map<Planned, Future<BackupRunner.NodeCopy>> running = new LinkedHashMap<>();
            for (Planned shard : plan) {
                Target node = cluster.member(new Member(
                        shard.chosen().address(),
                        Member.Kind.DATA,
                        shard.chosen().role(),
                        shard.shard().id()));
                running.put(shard, pool.submit(() -> {
                    if (failed.get()) {
                        return null;
                    }
                    try {
                        return copier.copy(node, shard.dataKey(), options, shared.shard(shard.index()));
                    } catch (RuntimeException failure) {
                        failed.set(true);
                        throw failure;
                    }
                }));
            }
            Map<Planned, BackupRunner.NodeCopy> done = new LinkedHashMap<>();
            Map<Planned, Throwable> failures = new LinkedHashMap<>();
            running.forEach((shard, copy) -> {
                try {
                    BackupRunner.NodeCopy result = awaitUninterruptibly(copy);
                    if (result != null) {
                        done.put(shard, result);
                    }
                } catch (ExecutionException failure) {
                    failures.put(shard, failure.getCause());
                }
            });
            return new Copies(done, failures);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every copy is waited for, so that none can store an object after the set's cleanup. */
    private static <T> T awaitUninterruptibly(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException stop) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** After a shard failed: whether a failover explains it, when the cluster can still be seen. */
    private Optional<String> failoverSeenAfter(Target cluster, List<Planned> plan) {
        try {
            return failover(plan, clusterTopology(cluster, SurveyedGroup.of(cluster, survey.apply(cluster))));
        } catch (BackupException unseen) {
            return Optional.empty();
        }
    }

    /** What changed, when the slots of a shard are now served by another primary or its chosen member changed role. */
    private static Optional<String> failover(List<Planned> plan, ClusterTopology after) {
        for (Planned shard : plan) {
            int slot = shard.slots().get(0).first();
            Optional<ClusterTopology.Node> owner = after.nodes().stream()
                    .filter(node -> node.role() == Role.PRIMARY)
                    .filter(node ->
                            node.slots().stream().anyMatch(range -> range.first() <= slot && slot <= range.last()))
                    .findFirst();
            String primaryBefore = shard.shard().primary().orElseThrow().name();
            if (owner.isEmpty() || !owner.get().id().equals(shard.shard().id())) {
                return Optional.of(shard.label() + " was served by " + primaryBefore + ", now by "
                        + owner.map(ClusterTopology.Node::name).orElse("no primary"));
            }
            Optional<Role> roleNow = after.node(shard.chosen().address()).map(ClusterTopology.Node::role);
            if (roleNow.isPresent() && roleNow.get() != shard.chosen().role()) {
                return Optional.of(
                        shard.label() + " was copied from " + shard.chosen().address() + ", a "
                                + shard.chosen().role().label() + " then, a "
                                + roleNow.get().label() + " now");
            }
        }
        return Optional.empty();
    }

    private static BackupException failover(Target cluster, String what) {
        return new BackupException(
                BackupFailure.FAILOVER,
                "a failover happened in " + cluster + " while its backup set was taken (" + what
                        + "); the set was not kept: run the backup again");
    }

    private static RuntimeException shardFailure(Target cluster, List<Planned> plan, Map<Planned, Throwable> failed) {
        Map.Entry<Planned, Throwable> first = failed.entrySet().iterator().next();
        Throwable cause = first.getValue();
        if (!(cause instanceof BackupException failure)) {
            if (cause instanceof Error error) {
                throw error;
            }
            return (RuntimeException) cause;
        }
        String others = failed.size() == 1
                ? ""
                : " (" + failed.keySet().stream().skip(1).map(Planned::label).collect(Collectors.joining(", "))
                        + " failed too)";
        return new BackupException(
                failure.reason(),
                first.getKey().label() + " of " + cluster + ", from "
                        + first.getKey().chosen().address() + ": "
                        + failure.getMessage() + others + ". The backup set was not kept (a set is every one of its "
                        + plan.size() + " shards or nothing): fix that and run the backup again",
                failure);
    }

    /** Whether the keys are gone; when not, says so in the log. */
    private boolean deleteQuietly(List<String> keys) {
        if (keys.isEmpty()) {
            return true;
        }
        try {
            store.delete(keys);
            return true;
        } catch (BackupException failure) {
            logger.warn(
                    "could not remove {} after a failed backup set ({}); prune removes it later",
                    keys,
                    failure.getMessage());
            return false;
        }
    }
}
