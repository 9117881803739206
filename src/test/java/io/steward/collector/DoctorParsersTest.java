package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Captures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers of the doctor's reads (ACL LIST, CLIENT LIST, SLOWLOG GET), on real replies. */
class DoctorParsersTest {

    private static final String DIR = "redis-7.0/doctor/";

    @Test
    void readsAclFlagsAndKeepsNoPasswordHash() {
        List<AclUser> users =
                AclUser.parse(Captures.text(DIR + "acl-list.txt").lines().toList());

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
        String text = Captures.text(DIR + "client-list.txt")
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
}
