package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Bounded;
import io.steward.testing.Captures;
import io.steward.testing.Mutations;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The doctor's replies of a real server (SLOWLOG GET, LATENCY LATEST, CLIENT LIST, ACL LIST), damaged: a row or line
 * the parser cannot read is left out and the others are kept, so one odd entry never costs the whole report.
 */
class DoctorRepliesPropertiesTest {

    private static List<Object> json(String name) {
        try {
            return new ObjectMapper().readValue(Captures.text("redis-7.0/doctor/" + name), List.class);
        } catch (java.io.IOException unreadable) {
            throw new java.io.UncheckedIOException(unreadable);
        }
    }

    private static final List<Object> SLOWLOG = json("slowlog.json");
    private static final List<Object> LATENCY = json("latency-latest.json");
    private static final String CLIENTS = Captures.text("redis-7.0/doctor/client-list.txt");
    private static final String ACL = Captures.text("redis-7.0/doctor/acl-list.txt");

    @Provide
    Arbitrary<Object> damagedSlowlogs() {
        return Mutations.mutatedReply(List.of(SLOWLOG));
    }

    @Provide
    Arbitrary<Object> damagedLatency() {
        return Mutations.mutatedReply(List.of(LATENCY));
    }

    @Provide
    Arbitrary<String> damagedClientLists() {
        return Mutations.damagedText(List.of(CLIENTS));
    }

    @Provide
    Arbitrary<String> damagedAclLists() {
        return Mutations.damagedText(List.of(ACL));
    }

    @Property(tries = 400)
    void slowlogParserNeverThrowsOnMutatedRealReplies(@ForAll("damagedSlowlogs") Object reply) {
        List<SlowlogEntry> entries = Bounded.returned(Bounded.run(() -> SlowlogEntry.parse((List<?>) reply)));

        assertThat(entries.size()).isLessThanOrEqualTo(((List<?>) reply).size());
    }

    @Property(tries = 300)
    void slowlogSummaryNeverThrowsOnMutatedRealReplies(@ForAll("damagedSlowlogs") Object reply) {
        Bounded.returned(Bounded.run(() -> SlowlogSummary.of(3, (List<?>) reply)));
    }

    @Property(tries = 400)
    void latencyLatestParserNeverThrowsOnMutatedRealReplies(@ForAll("damagedLatency") Object reply) {
        List<LatencyEvent> events = Bounded.returned(Bounded.run(() -> LatencyEvent.parseLatest((List<?>) reply)));

        assertThat(events.size()).isLessThanOrEqualTo(((List<?>) reply).size());
    }

    @Property(tries = 400)
    void clientListParserNeverThrowsOnMutatedRealReplies(@ForAll("damagedClientLists") String text) {
        ClientList clients = Bounded.returned(Bounded.run(() -> ClientList.parse(text)));

        int lines = text.split("\n", -1).length;
        assertThat(clients.total()).isBetween(0, lines);
        assertThat(clients.replicas()).isBetween(0, clients.total());
        assertThat(clients.biggestOutput()).hasSizeLessThanOrEqualTo(ClientList.KEEP);
        assertThat(clients.biggestQuery()).hasSizeLessThanOrEqualTo(ClientList.KEEP);
    }

    @Property(tries = 200)
    void anUnknownClientFieldChangesNothing(@ForAll("damagedClientLists") String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.isBlank() ? line : line + " future-field=1");
        }

        assertThat(ClientList.parse(String.join("\n", lines))).isEqualTo(ClientList.parse(text));
    }

    @Property(tries = 400)
    void aclListParserNeverThrowsOnMutatedRealReplies(@ForAll("damagedAclLists") String text) {
        List<String> lines = List.of(text.split("\n", -1));
        List<AclUser> users = Bounded.returned(Bounded.run(() -> AclUser.parse(lines)));

        assertThat(users.size()).isLessThanOrEqualTo(lines.size());
    }

    @Property(tries = 200)
    void anUnknownAclRuleChangesNothing(@ForAll("damagedAclLists") String text) {
        List<String> lines = List.of(text.split("\n", -1));
        // Only a line that names a user gets the rule: a bare "user" would become a user named after it.
        List<String> withRule = lines.stream()
                .map(line -> line.strip().split("\\s+").length >= 2 ? line + " %future~rule" : line)
                .toList();

        assertThat(AclUser.parse(withRule)).isEqualTo(AclUser.parse(lines));
    }
}
