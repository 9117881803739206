package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Captures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small parsers and formats behind the rules, on real replies. */
class DoctorParsersTest {

    @Test
    void readsAclFlagsAndKeepsNoPasswordHash() {
        List<AclUser> users = AclUser.parse(
                Captures.text(DoctorCaptures.DIR + "acl-list.txt").lines().toList());

        assertThat(users)
                .containsExactly(
                        new AclUser("app", true, false, true, true), new AclUser("default", true, true, true, true));
        assertThat(users.toString()).doesNotContain("#");
    }

    @Test
    void narrowedAclRulesAreNotAllCommands() {
        List<AclUser> users = AclUser.parse(List.of(
                "user monitor on #abc resetchannels -@all +info +config|get",
                "user ops off nopass ~* +@all -@dangerous",
                "user admin on >x ~* +@all -flushall"));

        assertThat(users)
                .containsExactly(
                        new AclUser("monitor", true, false, false, false),
                        new AclUser("ops", false, true, false, false),
                        new AclUser("admin", true, false, false, true));
    }

    @Test
    void summarisesClientListWithTheBiggestApplicationBuffers() {
        String text = Captures.text(DoctorCaptures.DIR + "client-list.txt")
                + "id=40 addr=10.0.0.9:5000 laddr=x fd=9 name=worker age=3 idle=0 flags=b db=0 sub=0 psub=0 ssub=0 multi=-1"
                + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=900 omem=20971520 tot-mem=21000000"
                + " events=r cmd=blpop user=default redir=-1 resp=2\n";
        ClientList clients = ClientList.parse(text);

        assertThat(clients.total()).isEqualTo(3);
        assertThat(clients.replicas()).isEqualTo(1);
        assertThat(clients.blocked()).isEqualTo(1);
        assertThat(clients.biggestOutput()).first().satisfies(client -> {
            assertThat(client.omem()).isEqualTo(20_971_520);
            assertThat(client.describe()).isEqualTo("10.0.0.9:5000 (name worker, last command blpop)");
        });
        assertThat(clients.biggestOutput())
                .noneSatisfy(client -> assertThat(client.flags()).contains("S"));
    }

    @Test
    void keepsOnlyTheCommandNameOfSlowlogEntries() {
        List<SlowlogEntry> entries = SlowlogEntry.parse(List.of(
                List.of(7L, 1795295889L, 30963L, List.of("set", "user:42", "secret-value"), "127.0.0.1:1", "worker")));

        assertThat(entries)
                .containsExactly(new SlowlogEntry(7, Instant.ofEpochSecond(1795295889L), 30963, "SET", "worker"));
    }

    @Test
    void readsTheReplicaClassOfTheOutputBufferLimitAndRaisesItToTheBacklog() {
        SyncLoopRisk.Limit limit = SyncLoopRisk.Limit.parse(
                        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
                .orElseThrow();

        assertThat(limit).isEqualTo(new SyncLoopRisk.Limit(268_435_456, 67_108_864, 60));
        assertThat(new SyncLoopRisk.Limit(65536, 0, 10).atLeast(1_048_576))
                .isEqualTo(new SyncLoopRisk.Limit(1_048_576, 0, 10));
        assertThat(SyncLoopRisk.Limit.parse("normal 0 0 0")).isEmpty();
    }

    @Test
    void tellsLoopbackBindsFromOpenOnes() {
        assertThat(SecurityRules.loopbackOnly("127.0.0.1 -::1")).isTrue();
        assertThat(SecurityRules.loopbackOnly("127.0.0.1 10.0.0.5")).isFalse();
        assertThat(SecurityRules.allInterfaces("* -::*")).isTrue();
        assertThat(SecurityRules.allInterfaces("0.0.0.0")).isTrue();
        assertThat(SecurityRules.allInterfaces("")).isTrue();
        assertThat(SecurityRules.allInterfaces("10.0.0.5")).isFalse();
    }

    @Test
    void writesSizesAsPeopleAndAsRedisConfigReadThem() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(43_300_000)).isEqualTo("41.3 MiB");
        assertThat(Units.configSize(60.2 * 1024 * 1024)).isEqualTo("61mb");
        assertThat(Units.configSize(2048.0 * 1024 * 1024)).isEqualTo("2gb");
        assertThat(Units.configSizeDown(17.9 * 1024 * 1024 * 1024)).isEqualTo("17gb");
        assertThat(Units.duration(0.84)).isEqualTo("0.8 s");
        assertThat(Units.duration(3 * 86400)).isEqualTo("3.0 days");
        assertThat(Units.count(1, "call")).isEqualTo("1 call");
        assertThat(Units.count(2, "call")).isEqualTo("2 calls");
    }

    @Test
    void findsTheEarliestSavePointThatShouldHaveFired() {
        assertThat(PersistenceRules.missedSavePoint("3600 1 300 100 60 10000", 1000, 500))
                .hasValue("save point \"300 100\" asks for a snapshot after 5.0 min and 100 changes: none was taken");
        assertThat(PersistenceRules.missedSavePoint("3600 1 300 100", 100, 500)).isEmpty();
        assertThat(PersistenceRules.missedSavePoint("", 100_000, 500)).isEmpty();
    }
}
