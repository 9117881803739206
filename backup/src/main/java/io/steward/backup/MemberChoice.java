package io.steward.backup;

import io.steward.collector.ClusterTopology;
import io.steward.collector.PollResult;
import io.steward.collector.Replication;
import io.steward.collector.Role;
import io.steward.collector.SentinelTopology;
import io.steward.collector.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which member of a Sentinel group or a Cluster shard gives a backup's copy. With {@code prefer: replica}, a replica
 * whose link to the primary is up and whose lag is within {@code max-lag}, so the primary never forks for a backup;
 * the one with the least lag, on a tie the first by address. Else, or with {@code prefer: primary}, the primary.
 * The reason goes into the manifest.
 */
final class MemberChoice {

    /** The member chosen: its {@code host:port}, what it is, and why it was chosen, for the manifest and the log. */
    record Chosen(String address, Role role, String why) {}

    /** How a replica stands: its lag in seconds when usable, else why it is not. */
    private record Standing(String address, OptionalLong lag, String problem) {}

    private MemberChoice() {}

    static Chosen ofSentinelGroup(SentinelTopology topology, SurveyedGroup survey, BackupOptions options) {
        String primary = topology.primaryAddress()
                .orElseThrow(() -> new BackupException(
                        BackupFailure.REDIS_CONNECT,
                        topology.unknownMasterMessage().orElse("the Sentinels name no primary")));
        return choose(primary, List.copyOf(topology.replicaAddresses()), Set.of(), survey, options);
    }

    static Chosen ofShard(ClusterTopology.Shard shard, SurveyedGroup survey, BackupOptions options) {
        String primary = shard.primary().orElseThrow().address();
        List<String> replicas =
                shard.replicas().stream().map(ClusterTopology.Node::address).toList();
        Set<String> failing = shard.replicas().stream()
                .filter(ClusterTopology.Node::failing)
                .map(ClusterTopology.Node::address)
                .collect(Collectors.toSet());
        return choose(primary, replicas, failing, survey, options);
    }

    private static Chosen choose(
            String primary, List<String> replicas, Set<String> failing, SurveyedGroup survey, BackupOptions options) {
        if (options.prefer() == BackupOptions.Prefer.PRIMARY) {
            return new Chosen(primary, Role.PRIMARY, "primary " + primary + ": backup.prefer is primary");
        }
        Optional<Snapshot> primarySnapshot = survey.snapshot(primary);
        List<String> unusable = new ArrayList<>();
        Standing best = null;
        for (String replica : replicas.stream().sorted().toList()) {
            Standing standing = failing.contains(replica)
                    ? new Standing(replica, OptionalLong.empty(), "flagged fail by the cluster")
                    : standing(replica, primary, primarySnapshot, survey, options.maxLag());
            if (standing.lag().isEmpty()) {
                unusable.add(replica + ": " + standing.problem());
            } else if (best == null || standing.lag().getAsLong() < best.lag().getAsLong()) {
                best = standing;
            }
        }
        if (best != null) {
            return new Chosen(
                    best.address(),
                    Role.REPLICA,
                    "replica " + best.address() + ": link up, lag " + best.lag().getAsLong() + " s");
        }
        String why = replicas.isEmpty()
                ? "no replica: the primary " + primary
                : "no replica with its link up and lag under " + seconds(options.maxLag()) + " ("
                        + String.join("; ", unusable) + "): the primary " + primary;
        return new Chosen(primary, Role.PRIMARY, why);
    }

    /**
     * A replica's lag is the primary's view of it ({@code slaveN:...,lag=}, seconds since its last acknowledgement,
     * sent every second); without that, the replica's own {@code master_last_io_seconds_ago}.
     */
    private static Standing standing(
            String replica, String primary, Optional<Snapshot> primarySnapshot, SurveyedGroup survey, Duration maxLag) {
        PollResult poll = survey.polls().get(replica);
        if (poll == null) {
            return unusable(replica, "not polled");
        }
        if (poll instanceof PollResult.Failed failed) {
            return unusable(replica, "not answering (" + failed.reason().label() + ")");
        }
        Snapshot snapshot = ((PollResult.Polled) poll).snapshot();
        if (snapshot.role() != Role.REPLICA) {
            return unusable(replica, "says it is a " + snapshot.role().label());
        }
        Optional<Replication.PrimaryLink> link = snapshot.replication().primary();
        if (link.isEmpty() || !link.get().up()) {
            return unusable(replica, "link down");
        }
        if (!link.get().address().equals(primary)) {
            return unusable(replica, "replicates " + link.get().address() + ", not the primary");
        }
        OptionalLong lag = primarySnapshot
                .flatMap(seen -> seen.replication().replicas().stream()
                        .filter(listed -> listed.address().equals(replica))
                        .findFirst())
                .map(Replication.ReplicaLink::lagSeconds)
                .filter(OptionalLong::isPresent)
                .orElse(link.get().lastIoSecondsAgo());
        if (lag.isEmpty() || lag.getAsLong() < 0) {
            return unusable(replica, "lag unknown");
        }
        if (Duration.ofSeconds(lag.getAsLong()).compareTo(maxLag) > 0) {
            return unusable(replica, "lag " + lag.getAsLong() + " s");
        }
        return new Standing(replica, lag, "");
    }

    private static Standing unusable(String replica, String problem) {
        return new Standing(replica, OptionalLong.empty(), problem);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
