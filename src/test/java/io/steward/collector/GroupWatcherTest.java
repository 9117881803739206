package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How a group's members are kept in step with what its topology says, whatever the kind of group. */
class GroupWatcherTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);

    private final Target group = new Target(
            "sessions",
            RedisURI.create("redis://127.0.0.1:6380"),
            Duration.ofSeconds(5),
            TlsFiles.NONE,
            "",
            new Group.Sentinel("mymaster", List.of("127.0.0.1:26379"), RedisURI.create("redis://127.0.0.1:26379")));
    private final AtomicReference<Discovery.Outcome> next =
            new AtomicReference<>(Discovery.Outcome.problem("nothing yet"));
    private final List<String> added = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final GroupWatcher watcher = new GroupWatcher(
            group,
            members -> next.get(),
            new GroupWatcher.Membership() {
                @Override
                public void add(Target member) {
                    added.add(member.node());
                }

                @Override
                public void remove(Target member) {
                    removed.add(member.node());
                }
            },
            CLOCK);

    private static Topology topology(Member... members) {
        List<Member> list = List.of(members);
        return () -> list;
    }

    private static Topology atEpoch(long epoch, Member... members) {
        List<Member> list = List.of(members);
        return new Topology() {
            @Override
            public List<Member> members() {
                return list;
            }

            @Override
            public OptionalLong epoch() {
                return OptionalLong.of(epoch);
            }
        };
    }

    private static Member primary(String node) {
        return new Member(node, Member.Kind.DATA, Role.PRIMARY, "mymaster");
    }

    private static Member replica(String node) {
        return new Member(node, Member.Kind.DATA, Role.REPLICA, "mymaster");
    }

    private static Member sentinel(String node) {
        return new Member(node, Member.Kind.SENTINEL, Role.UNKNOWN, "");
    }

    private List<PollResult> answered() {
        return watcher.members().stream()
                .<PollResult>map(member -> new PollResult.Polled(Snapshot.builder(
                                member, CLOCK.instant(), InfoParser.parse("# Server\r\nredis_version:7.0.15\r\n"))
                        .build()))
                .toList();
    }

    @Test
    void pollsTheConfiguredSentinelsFirstThenEveryMemberTheyName() {
        watcher.start();
        assertThat(added).containsExactly("127.0.0.1:26379");
        next.set(Discovery.Outcome.of(topology(
                primary("127.0.0.1:6380"),
                replica("127.0.0.2:6380"),
                sentinel("127.0.0.1:26379"),
                sentinel("127.0.0.2:26379"))));
        watcher.update(answered());
        assertThat(added).containsExactly("127.0.0.1:26379", "127.0.0.1:6380", "127.0.0.2:6380", "127.0.0.2:26379");
        assertThat(watcher.state().healthy()).isTrue();
        assertThat(watcher.state().topology()).isPresent();
        assertThat(watcher.members())
                .allSatisfy(member -> assertThat(member.name()).isEqualTo("sessions"));
    }

    @Test
    void dropsAMemberTheTopologyNoLongerNamesButKeepsTheConfiguredSentinels() {
        watcher.start();
        next.set(Discovery.Outcome.of(topology(primary("127.0.0.1:6380"), replica("127.0.0.2:6380"))));
        watcher.update(answered());
        next.set(Discovery.Outcome.of(topology(primary("127.0.0.1:6380"))));
        watcher.update(answered());
        assertThat(removed).containsExactly("127.0.0.2:6380");
        assertThat(watcher.members()).extracting(Target::node).containsExactly("127.0.0.1:26379", "127.0.0.1:6380");
    }

    @Test
    void countsAFailoverWhenAReplicaIsPromoted() {
        watcher.start();
        next.set(Discovery.Outcome.of(topology(primary("127.0.0.1:6380"), replica("127.0.0.2:6380"))));
        watcher.update(answered());
        watcher.update(answered());
        assertThat(watcher.state().failovers()).isZero();
        next.set(Discovery.Outcome.of(topology(replica("127.0.0.1:6380"), primary("127.0.0.2:6380"))));
        watcher.update(answered());
        assertThat(watcher.state().failovers()).isEqualTo(1);
        assertThat(added).doesNotHaveDuplicates();
    }

    @Test
    void anEarlierPrimaryShownAgainWithinOneEpochIsNoSecondFailover() {
        watcher.start();
        String a = "127.0.0.1:6380";
        String b = "127.0.0.2:6380";
        next.set(Discovery.Outcome.of(atEpoch(1, primary(a), replica(b))));
        watcher.update(answered());
        next.set(Discovery.Outcome.of(atEpoch(2, replica(a), primary(b))));
        watcher.update(answered());
        assertThat(watcher.state().failovers()).isEqualTo(1);
        // A lagging Sentinel tips the count back to the old primary, then catches up: the epoch stayed.
        next.set(Discovery.Outcome.of(atEpoch(2, primary(a), replica(b))));
        watcher.update(answered());
        next.set(Discovery.Outcome.of(atEpoch(2, replica(a), primary(b))));
        watcher.update(answered());
        assertThat(watcher.state().failovers()).isEqualTo(1);
        next.set(Discovery.Outcome.of(atEpoch(3, primary(a), replica(b))));
        watcher.update(answered());
        assertThat(watcher.state().failovers())
                .as("a failover back raises the epoch")
                .isEqualTo(2);
    }

    @Test
    void keepsEveryKnownMemberWhileNoneAnswersAndSaysWhy() {
        watcher.start();
        next.set(Discovery.Outcome.of(topology(primary("127.0.0.1:6380"), replica("127.0.0.2:6380"))));
        watcher.update(answered());
        List<PollResult> down = watcher.members().stream()
                .<PollResult>map(member -> new PollResult.Failed(
                        member, CLOCK.instant(), PollFailure.CONNECT, "cannot connect: connection refused"))
                .toList();
        watcher.update(down);
        assertThat(removed).isEmpty();
        assertThat(watcher.members()).hasSize(3);
        assertThat(watcher.state().healthy()).isFalse();
        assertThat(watcher.state().problem())
                .contains("no Sentinel of sessions answered")
                .contains("127.0.0.1:26379")
                .contains("connection refused");
        assertThat(watcher.state().topology()).as("the last topology known").isPresent();
    }

    @Test
    void aProblemOfTheMembersDescriptionIsTheGroupsProblem() {
        watcher.start();
        next.set(Discovery.Outcome.problem("no Sentinel knows a master named mymaster"));
        watcher.update(answered());
        assertThat(watcher.state().problem()).isEqualTo("no Sentinel knows a master named mymaster");
        assertThat(watcher.members()).extracting(Target::node).containsExactly("127.0.0.1:26379");
    }
}
