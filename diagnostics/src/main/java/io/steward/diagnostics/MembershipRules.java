package io.steward.diagnostics;

import io.steward.collector.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a group is made of: members the doctor could not read, members on different Redis versions, a primary
 * whose replicas all share its host, and a Sentinel group with other than one primary.
 */
final class MembershipRules {

    private MembershipRules() {}

    static List<GroupRule> all() {
        return List.of(unreadable(), versions(), oneHost(), primaries());
    }

    static GroupRule unreadable() {
        return new GroupRule("group-member-unreadable", Area.REPLICATION, GroupRule.NOTHING, group -> {
            List<GroupMember> unread = group.unreadable();
            if (unread.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            unread.forEach(m -> evidence.add(m.describe() + ": " + m.problem()));
            boolean primaryOfReplica = group.kind() == GroupObservation.Kind.REPLICATION
                    && unread.size() == 1
                    && unread.get(0).role() == Role.PRIMARY;
            String title = primaryOfReplica
                    ? "The primary this replica follows (" + unread.get(0).node()
                            + ") could not be read: the replica is not compared with it"
                    : Units.count(unread.size(), "member") + " of "
                            + group.members().size()
                            + " could not be read: the group is judged without "
                            + (unread.size() == 1 ? "it" : "them");
            evidence.add("the group's rules that compare members leave these out; the members read are reported as"
                    + " usual");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    title,
                    evidence,
                    "Check that each is up and reachable from here, with the group's credentials (a replica's"
                            + " primary is read with the replica's); if one is down for good, remove it from the"
                            + " group (SENTINEL RESET <master> after it is gone, or CLUSTER FORGET)"));
        });
    }

    static GroupRule versions() {
        return new GroupRule("group-versions", Area.CONFIG, GroupRule.onDataNodes(Source.INFO), group -> {
            Map<String, List<String>> byVersion = new LinkedHashMap<>();
            group.members().stream()
                    .filter(GroupMember::isRead)
                    .forEach(m -> byVersion
                            .computeIfAbsent(m.observed().latest().version(), v -> new ArrayList<>())
                            .add(m.describe()));
            if (byVersion.size() < 2) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            byVersion.forEach((version, nodes) -> evidence.add("Redis " + version + ": " + String.join(", ", nodes)));
            List<String> older = olderReplicas(group);
            evidence.addAll(older);
            return Optional.of(new Symptom(
                    older.isEmpty() ? Severity.INFO : Severity.WARNING,
                    older.isEmpty()
                            ? "Members run " + byVersion.size() + " Redis versions"
                            : "A replica runs an older Redis than its primary: it may fail to load the primary's"
                                    + " snapshot, and a failover to it changes the version under the application",
                    evidence,
                    "Finish the upgrade: replicas first, then fail over (SENTINEL FAILOVER <master>, or CLUSTER"
                            + " FAILOVER on a replica) and upgrade the old primary; a replica must never be older"
                            + " than its primary"));
        });
    }

    /** {@code replica 127.0.0.2:7001 runs 6.2.14, its primary 127.0.0.1:7000 7.0.15}, one line each. */
    private static List<String> olderReplicas(GroupObservation group) {
        List<String> lines = new ArrayList<>();
        for (GroupMember replica : group.readDataNodes()) {
            group.primaryOf(replica).filter(GroupMember::isRead).ifPresent(primary -> {
                String mine = replica.observed().latest().version();
                String theirs = primary.observed().latest().version();
                if (compareVersions(mine, theirs) < 0) {
                    lines.add("replica " + replica.node() + " runs " + mine + ", its primary " + primary.node() + " "
                            + theirs);
                }
            });
        }
        return lines;
    }

    /** Compares dotted versions number by number ({@code 6.2.14 < 7.0.15}); a part that is not a number counts 0. */
    static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int difference = Integer.compare(part(left, i), part(right, i));
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }

    private static int part(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    /** Data nodes only: where the Sentinels run is the Sentinel rules' concern, a cluster's shards the Cluster's. */
    static GroupRule oneHost() {
        return new GroupRule("group-one-host", Area.REPLICATION, GroupRule.onDataNodes(Source.INFO), group -> {
            if (group.isCluster()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            for (GroupMember primary : group.primaries()) {
                Set<String> hosts = new LinkedHashSet<>();
                hosts.add(primary.host());
                List<String> replicas = new ArrayList<>();
                group.replicasOf(primary).forEach(r -> {
                    hosts.add(r.host());
                    replicas.add(r.node());
                });
                // Replicas the primary lists that the group does not name count too.
                primary.observed().replicas().stream()
                        .filter(link -> !replicas.contains(link.address()))
                        .forEach(link -> {
                            hosts.add(link.ip());
                            replicas.add(link.address());
                        });
                if (!replicas.isEmpty() && hosts.size() == 1) {
                    evidence.add("primary " + primary.node() + " and its " + Units.count(replicas.size(), "replica")
                            + " (" + String.join(", ", replicas) + ") are all on " + primary.host());
                }
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            evidence.add("hosts are told apart by the address part of host:port, as the members name each other");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "The primary and all its replicas are on one host: losing it loses the data and leaves no"
                            + " replica to take over",
                    evidence,
                    "Move at least one replica to another host (start it there with replicaof <primary host>"
                            + " <port>), ideally in another rack or zone"));
        });
    }

    /** A Sentinel group has one primary: two mean split brain, none means writes fail. */
    static GroupRule primaries() {
        return new GroupRule("group-primaries", Area.REPLICATION, GroupRule.onDataNodes(Source.INFO), group -> {
            if (!group.isSentinel()) {
                return Optional.empty();
            }
            List<GroupMember> primaries = group.primaries();
            boolean allRead = group.dataNodes().stream().allMatch(GroupMember::isRead);
            if (primaries.size() == 1 || (primaries.isEmpty() && !allRead)) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            group.readDataNodes()
                    .forEach(m ->
                            evidence.add(m.node() + " says role:" + m.role().infoName()
                                    + m.observed()
                                            .primaryLink()
                                            .map(link -> ", following " + link.address())
                                            .orElse("")));
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    primaries.isEmpty()
                            ? "No data node of the group is a primary: every write fails"
                            : primaries.size() + " data nodes of the group are primaries: writes split between them"
                                    + " and those on the losing side are lost",
                    evidence,
                    primaries.isEmpty()
                            ? "Check the Sentinels (SENTINEL MASTER <master>): they should promote a replica; if they"
                                    + " cannot, promote one by hand (REPLICAOF NO ONE) and point the others at it"
                            : "Keep the primary the Sentinels name (SENTINEL GET-MASTER-ADDR-BY-NAME <master>) and"
                                    + " turn the others into its replicas: REPLICAOF <host> <port> on each"));
        });
    }
}
