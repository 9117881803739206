package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.steward.collector.SentinelState.MonitoredMaster;
import io.steward.collector.SentinelState.QuorumCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The group as its Sentinels describe it, from typed readings of their snapshots. */
class SentinelTopologyTest {

    private static final String S1 = "10.0.0.11:26379";
    private static final String S2 = "10.0.0.12:26379";
    private static final String S3 = "10.0.0.13:26379";
    private static final String A = "10.0.0.1:6379";
    private static final String B = "10.0.0.2:6379";
    private static final String C = "10.0.0.3:6379";

    /** Run ids by Sentinel, as their peers list them. */
    private static String runId(String sentinel) {
        return sentinel.substring(7, 9).repeat(20);
    }

    private static SentinelMaster master(String address, long epoch, String... flags) {
        String[] hostPort = address.split(":");
        Set<String> allFlags = new java.util.HashSet<>(Arrays.asList(flags));
        allFlags.add("master");
        return new SentinelMaster(
                "mymaster",
                hostPort[0],
                Integer.parseInt(hostPort[1]),
                "run",
                allFlags,
                allFlags.contains("failover_in_progress") ? Optional.of("wait_promotion") : Optional.empty(),
                100,
                allFlags.contains("s_down") ? OptionalLong.of(1500) : OptionalLong.empty(),
                allFlags.contains("o_down") ? OptionalLong.of(1200) : OptionalLong.empty(),
                5000,
                2000,
                "master",
                epoch,
                2,
                2,
                2,
                60_000,
                1);
    }

    private static SentinelReplica replica(String address) {
        String[] hostPort = address.split(":");
        return new SentinelReplica(
                hostPort[0],
                Integer.parseInt(hostPort[1]),
                "r",
                Set.of("slave"),
                100,
                OptionalLong.empty(),
                2000,
                "slave",
                0,
                true,
                "10.0.0.1",
                6379,
                100,
                1000,
                true);
    }

    private static SentinelPeer peer(String address) {
        String[] hostPort = address.split(":");
        return new SentinelPeer(
                hostPort[0],
                Integer.parseInt(hostPort[1]),
                runId(address),
                Set.of("sentinel"),
                100,
                OptionalLong.empty(),
                500,
                "?",
                0);
    }

    private static List<SentinelPeer> peersOf(String sentinel) {
        return List.of(S1, S2, S3).stream()
                .filter(other -> !other.equals(sentinel))
                .map(SentinelTopologyTest::peer)
                .toList();
    }

    private static MonitoredMaster monitored(SentinelMaster master, List<String> replicas, List<SentinelPeer> peers) {
        return new MonitoredMaster(
                master,
                Reading.of(replicas.stream().map(SentinelTopologyTest::replica).toList()),
                Reading.of(peers),
                Reading.of(new QuorumCheck(true, "OK 3 usable Sentinels")));
    }

    /** A Sentinel's snapshot, as a member of group {@code g}, monitoring the given masters. */
    private static Snapshot sentinel(String node, MonitoredMaster... masters) {
        StringBuilder info = new StringBuilder("# Server\r\nredis_version:7.0.15\r\nredis_mode:sentinel\r\nrun_id:")
                .append(runId(node))
                .append("\r\n\r\n# Sentinel\r\nsentinel_masters:")
                .append(masters.length)
                .append("\r\nsentinel_tilt:0\r\n");
        for (int i = 0; i < masters.length; i++) {
            SentinelMaster master = masters[i].master();
            info.append("master")
                    .append(i)
                    .append(":name=")
                    .append(master.name())
                    .append(",status=ok,address=")
                    .append(master.address())
                    .append(",slaves=2,sentinels=3\r\n");
        }
        Target target =
                new Target("g", RedisURI.create("redis://" + node), Duration.ofSeconds(15), TlsFiles.NONE, node);
        return Snapshot.builder(target, Instant.EPOCH, InfoParser.parse(info.toString()))
                .sentinelMasters(Reading.of(List.of(masters)))
                .build();
    }

    private static Snapshot healthy(String node) {
        return sentinel(node, monitored(master(A, 0), List.of(B, C), peersOf(node)));
    }

    @Test
    void aHealthyGroupIsThePrimaryItsReplicasAndEachSentinelOnce() {
        SentinelTopology topology = SentinelTopology.of("mymaster", List.of(healthy(S1), healthy(S2), healthy(S3)));
        assertThat(topology.members())
                .containsExactly(
                        new Member(A, Member.Kind.DATA, Role.PRIMARY, "mymaster"),
                        new Member(B, Member.Kind.DATA, Role.REPLICA, "mymaster"),
                        new Member(C, Member.Kind.DATA, Role.REPLICA, "mymaster"),
                        new Member(S1, Member.Kind.SENTINEL, Role.UNKNOWN, ""),
                        new Member(S2, Member.Kind.SENTINEL, Role.UNKNOWN, ""),
                        new Member(S3, Member.Kind.SENTINEL, Role.UNKNOWN, ""));
        assertThat(topology.sentinelsAgree()).isTrue();
        assertThat(topology.failoverInProgress()).isFalse();
        assertThat(topology.sentinelsSeeingPrimaryDown()).isZero();
        assertThat(topology.quorum()).hasValue(2);
        assertThat(topology.unknownMaster()).isFalse();
        assertThat(topology.unknownMasterMessage()).isEmpty();
    }

    @Test
    void oneSentinelAnsweringStillNamesTheSentinelsItKnows() {
        assertThat(SentinelTopology.of("mymaster", List.of(healthy(S2))).sentinelAddresses())
                .containsExactly(S1, S2, S3);
    }

    /** The agent reaches a Sentinel by a name that differs from the address it announces to its peers. */
    @Test
    void aSentinelReachedByAnotherNameThanItAnnouncesIsOneMember() {
        Snapshot byName = sentinel(S1, monitored(master(A, 0), List.of(B, C), peersOf(S1)));
        String hostName = "sentinel-2.internal:26379";
        Target target = new Target(
                "g", RedisURI.create("redis://" + hostName), Duration.ofSeconds(15), TlsFiles.NONE, hostName);
        Snapshot second = Snapshot.builder(target, Instant.EPOCH, healthy(S2).info())
                .sentinelMasters(Reading.of(List.of(monitored(master(A, 0), List.of(B, C), peersOf(S2)))))
                .build();
        assertThat(SentinelTopology.of("mymaster", List.of(byName, second)).sentinelAddresses())
                .containsExactlyInAnyOrder(S1, hostName, S3);
    }

    @Test
    void whenSentinelsDisagreeTheMostOfThemNameThePrimaryAndEachViewIsKept() {
        Snapshot lagging = sentinel(S1, monitored(master(A, 1), List.of(B, C), peersOf(S1)));
        Snapshot switched2 = sentinel(S2, monitored(master(B, 2), List.of(A, C), peersOf(S2)));
        Snapshot switched3 = sentinel(S3, monitored(master(B, 2), List.of(A, C), peersOf(S3)));
        SentinelTopology topology = SentinelTopology.of("mymaster", List.of(lagging, switched2, switched3));
        assertThat(topology.primaryAddress()).hasValue(B);
        assertThat(topology.sentinelsAgree()).isFalse();
        assertThat(topology.views())
                .extracting(
                        SentinelTopology.View::sentinel,
                        view -> view.primaryAddress().orElseThrow())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(S1, A),
                        org.assertj.core.groups.Tuple.tuple(S2, B),
                        org.assertj.core.groups.Tuple.tuple(S3, B));
        assertThat(topology.replicaAddresses()).containsExactly(A, C);
        assertThat(topology.configEpoch()).hasValue(2);
        assertThat(topology.namingPrimary())
                .extracting(SentinelTopology.View::sentinel)
                .containsExactly(S2, S3);
    }

    @Test
    void aSentinelThatLagsBehindAFailoverDoesNotCountThePrimaryAsDown() {
        Snapshot lagging = sentinel(S1, monitored(master(A, 1, "s_down"), List.of(B), peersOf(S1)));
        Snapshot switched2 = sentinel(S2, monitored(master(B, 2), List.of(A), peersOf(S2)));
        Snapshot switched3 = sentinel(S3, monitored(master(B, 2), List.of(A), peersOf(S3)));
        assertThat(SentinelTopology.of("mymaster", List.of(lagging, switched2, switched3))
                        .sentinelsSeeingPrimaryDown())
                .isZero();
    }

    @Test
    void aTieGoesToTheNewerConfiguration() {
        Snapshot old = sentinel(S1, monitored(master(A, 4), List.of(B), peersOf(S1)));
        Snapshot newer = sentinel(S2, monitored(master(B, 5), List.of(A), peersOf(S2)));
        assertThat(SentinelTopology.of("mymaster", List.of(old, newer)).primaryAddress())
                .hasValue(B);
        assertThat(SentinelTopology.of("mymaster", List.of(newer, old)).primaryAddress())
                .hasValue(B);
    }

    @Test
    void countsTheSentinelsThatSeeThePrimaryDownAndSaysAFailoverIsUnderWay() {
        SentinelTopology topology = SentinelTopology.of(
                "mymaster",
                List.of(
                        sentinel(
                                S1,
                                monitored(
                                        master(A, 3, "s_down", "o_down", "failover_in_progress"),
                                        List.of(B),
                                        peersOf(S1))),
                        sentinel(S2, monitored(master(A, 3, "s_down"), List.of(B), peersOf(S2))),
                        sentinel(S3, monitored(master(A, 3), List.of(B), peersOf(S3)))));
        assertThat(topology.sentinelsSeeingPrimaryDown()).isEqualTo(2);
        assertThat(topology.primaryObjectivelyDown()).isTrue();
        assertThat(topology.failoverInProgress()).isTrue();
        assertThat(topology.sentinelsAgree()).isTrue();
    }

    @Test
    void aMasterNameNoSentinelKnowsSaysWhatEachOneMonitors() {
        SentinelMaster other = new SentinelMaster(
                "cache",
                "10.0.0.9",
                6379,
                "run",
                Set.of("master"),
                Optional.empty(),
                1,
                OptionalLong.empty(),
                OptionalLong.empty(),
                5000,
                1000,
                "master",
                0,
                0,
                0,
                1,
                60_000,
                1);
        List<Snapshot> snapshots = new ArrayList<>();
        snapshots.add(sentinel(S1, monitored(other, List.of(), List.of())));
        snapshots.add(sentinel(S2));
        SentinelTopology topology = SentinelTopology.of("mymaster", snapshots);
        assertThat(topology.unknownMaster()).isTrue();
        assertThat(topology.primaryAddress()).isEmpty();
        assertThat(topology.sentinelsAgree()).isFalse();
        assertThat(topology.unknownMasterMessage())
                .hasValue("no Sentinel monitors a master named mymaster: " + S1 + " monitors cache; " + S2
                        + " monitors no master");
        assertThat(topology.members()).extracting(Member::node).containsExactly(S1, S2);
    }

    @Test
    void noSentinelAnsweringIsAnUnknownMasterWithItsOwnMessage() {
        SentinelTopology topology = SentinelTopology.of("mymaster", List.of());
        assertThat(topology.members()).isEmpty();
        assertThat(topology.unknownMasterMessage())
                .hasValueSatisfying(message -> assertThat(message).contains("no Sentinel answered"));
    }
}
