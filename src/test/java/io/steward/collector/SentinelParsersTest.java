package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.testing.Captures;
import io.steward.testing.RespReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sentinel replies captured from Redis 7.0 Sentinels in each state, typed. */
class SentinelParsersTest {

    private static Object reply(String name) {
        return RespReader.read(Captures.text("redis-7.0/sentinel/" + name + ".resp"));
    }

    private static RedisInfo info(String name) {
        return InfoParser.parse(Captures.text("redis-7.0/sentinel/" + name + ".txt"));
    }

    @Test
    void aHealthyMasterWithItsSettings() {
        SentinelMaster master = SentinelMaster.parse(reply("healthy-masters")).get(0);
        assertThat(master.name()).isEqualTo("mymaster");
        assertThat(master.address()).isEqualTo("127.0.0.1:17001");
        assertThat(master.flags()).containsExactly("master");
        assertThat(master.ok()).isTrue();
        assertThat(master.failoverInProgress()).isFalse();
        assertThat(master.failoverState()).isEmpty();
        assertThat(master.subjectivelyDownMillis()).isEmpty();
        assertThat(master.quorum()).isEqualTo(2);
        assertThat(master.replicas()).isEqualTo(2);
        assertThat(master.otherSentinels()).isEqualTo(2);
        assertThat(master.downAfterMillis()).isEqualTo(1000);
        assertThat(master.failoverTimeoutMillis()).isEqualTo(10_000);
        assertThat(master.parallelSyncs()).isEqualTo(1);
        assertThat(master.configEpoch()).isZero();
        assertThat(master.roleReported()).isEqualTo("master");
    }

    @Test
    void aMasterInFailoverSaysSoAndInWhichState() {
        SentinelMaster master = SentinelMaster.parse(reply("failover-masters")).get(0);
        assertThat(master.failoverInProgress()).isTrue();
        assertThat(master.failoverState()).hasValue("wait_promotion");
        assertThat(master.ok()).isTrue();
    }

    @Test
    void aDeadMasterIsSubjectivelyThenObjectivelyDownWithTheTimes() {
        SentinelMaster disconnected =
                SentinelMaster.parse(reply("disconnected-masters")).get(0);
        assertThat(disconnected.disconnected()).isTrue();
        assertThat(disconnected.ok()).isTrue();
        assertThat(disconnected.configEpoch()).isEqualTo(1);

        SentinelMaster down = SentinelMaster.parse(reply("odown-masters")).get(0);
        assertThat(down.subjectivelyDown()).isTrue();
        assertThat(down.objectivelyDown()).isTrue();
        assertThat(down.ok()).isFalse();
        assertThat(down.subjectivelyDownMillis()).hasValue(2756);
        assertThat(down.objectivelyDownMillis()).hasValue(2662);
        assertThat(down.configEpoch()).isEqualTo(2);
    }

    @Test
    void replicasWithTheirLinkOffsetAndPriority() {
        List<SentinelReplica> healthy = SentinelReplica.parse(reply("healthy-replicas"));
        assertThat(healthy).extracting(SentinelReplica::address).containsExactly("127.0.0.2:17002", "127.0.0.3:17003");
        assertThat(healthy).allSatisfy(replica -> {
            assertThat(replica.ok()).isTrue();
            assertThat(replica.masterLinkUp()).isTrue();
            assertThat(replica.masterAddress()).isEqualTo("127.0.0.1:17001");
            assertThat(replica.priority()).isEqualTo(100);
            assertThat(replica.announced()).isTrue();
            assertThat(replica.promotable()).isTrue();
        });

        List<SentinelReplica> afterThePrimaryDied = SentinelReplica.parse(reply("odown-replicas"));
        SentinelReplica survivor = afterThePrimaryDied.get(0);
        assertThat(survivor.masterLinkUp()).isFalse();
        assertThat(survivor.masterLinkDownMillis()).isEqualTo(4000);
        assertThat(survivor.priority()).isZero();
        assertThat(survivor.promotable()).isFalse();
        assertThat(survivor.replOffset()).isEqualTo(14135);
        SentinelReplica dead = afterThePrimaryDied.get(1);
        assertThat(dead.subjectivelyDown()).isTrue();
        assertThat(dead.disconnected()).isTrue();
    }

    @Test
    void replicasDuringAFailoverCarryTheirReconfigurationFlags() {
        assertThat(SentinelReplica.parse(reply("failover-replicas")))
                .extracting(SentinelReplica::flags)
                .anySatisfy(flags -> assertThat(flags).contains("promoted"))
                .anySatisfy(flags -> assertThat(flags).contains("reconf_sent"));
    }

    @Test
    void otherSentinelsWithTheirHellosAndDownState() {
        List<SentinelPeer> healthy = SentinelPeer.parse(reply("healthy-sentinels"));
        assertThat(healthy).extracting(SentinelPeer::host).containsExactly("127.0.0.2", "127.0.0.3");
        assertThat(healthy).allSatisfy(peer -> {
            assertThat(peer.ok()).isTrue();
            assertThat(peer.runId()).hasSize(40);
            assertThat(peer.votedLeader()).isEqualTo("?");
        });
        List<SentinelPeer> gone = SentinelPeer.parse(reply("noquorum-sentinels"));
        assertThat(gone).allSatisfy(peer -> {
            assertThat(peer.subjectivelyDown()).isTrue();
            assertThat(peer.ok()).isFalse();
        });
        assertThat(gone.get(0).lastHelloMillis()).isEqualTo(3950);
    }

    @Test
    void theInfoSectionGivesTheMastersAndTheirStatus() {
        SentinelState.Overview healthy = SentinelState.Overview.from(info("healthy-info"));
        assertThat(healthy.masters()).isEqualTo(1);
        assertThat(healthy.tilt()).isFalse();
        assertThat(healthy.tiltSinceSeconds()).isEmpty();
        assertThat(healthy.masterLines())
                .containsExactly(new SentinelState.MasterLine("mymaster", "ok", "127.0.0.1:17001", 2, 3));
        assertThat(SentinelState.Overview.from(info("odown-info")).masterLines())
                .extracting(SentinelState.MasterLine::status)
                .containsExactly("odown");
    }

    @Test
    void aSnapshotOfASentinelCarriesItsStateAndOtherServersNone() {
        RedisInfo sentinelInfo = info("healthy-info");
        Target target = new Target(
                "s", io.lettuce.core.RedisURI.create("redis://127.0.0.1:26379"), Target.DEFAULT_POLL_INTERVAL);
        Snapshot sentinel = Snapshot.builder(target, java.time.Instant.EPOCH, sentinelInfo)
                .sentinelMasters(Reading.unavailable("SENTINEL MASTERS refused: NOPERM"))
                .build();
        assertThat(sentinel.isSentinel()).isTrue();
        assertThat(sentinel.sentinel().orElseThrow().masterNames()).containsExactly("mymaster");
        assertThat(sentinel.sentinel().orElseThrow().masters().unavailableReason())
                .hasValue("SENTINEL MASTERS refused: NOPERM");

        Snapshot primary = Snapshot.builder(
                        target,
                        java.time.Instant.EPOCH,
                        InfoParser.parse(Captures.text("redis-7.0/info-all-primary.txt")))
                .build();
        assertThat(primary.isSentinel()).isFalse();
        assertThat(primary.sentinel().unavailableReason()).hasValue("the server is not a Sentinel");
    }

    /** RESP3 sends each entry as a map; Lettuce may hand it over as a map or as a flat list. */
    @Test
    void readsEntriesSentAsMaps() {
        List<Object> asMaps = new ArrayList<>();
        for (Object entry : (List<?>) reply("healthy-masters")) {
            List<?> flat = (List<?>) entry;
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < flat.size(); i += 2) {
                map.put(flat.get(i), flat.get(i + 1));
            }
            asMaps.add(map);
        }
        assertThat(SentinelMaster.parse(asMaps)).isEqualTo(SentinelMaster.parse(reply("healthy-masters")));
    }

    @Test
    void anEntryWithoutTheFieldsEverySentinelSendsIsRejected() {
        assertThatThrownBy(() -> SentinelMaster.parse(List.of(List.of("name", "mymaster", "ip", "10.0.0.1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SENTINEL MASTERS entry lacks port");
        assertThatThrownBy(() -> SentinelPeer.parse("OK")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSentinelsSettingsKeepNoPassword() {
        assertThat(SentinelConfig.parse(
                                List.of("announce-ip", "10.0.0.5", "sentinel-pass", "s3cret", "announce-port", "0"))
                        .values())
                .containsOnlyKeys("announce-ip", "announce-port");
    }
}
