package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.collector.Member;
import io.steward.collector.Role;
import io.steward.testing.RedisServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group report's framework over a real primary and replica: group rules beside each member's own report, a
 * rule whose needs are missing skipped with the reason, a member not read listed, in text, markdown and JSON.
 */
class GroupReportTest {

    private static final GroupRule EVERY_PRIMARY = new GroupRule(
            "test-primaries",
            Area.REPLICATION,
            GroupRule.onDataNodes(Source.INFO),
            group -> Optional.of(new Symptom(
                    Severity.WARNING,
                    group.primaries().size() + " primary with "
                            + group.replicasOf(group.primaries().get(0)).size() + " replica",
                    List.of("primary " + group.primaries().get(0).node()),
                    "nothing")));

    private static final GroupRule NEEDS_TOPOLOGY =
            new GroupRule("test-topology", Area.SENTINEL, GroupRule.TOPOLOGY, group -> Optional.empty());

    private final GroupRuns runs = new GroupRuns();

    @AfterEach
    void close() {
        runs.close();
    }

    @Test
    void reportsGroupFindingsBesideEachMembersOwnReportInEveryForm() throws Exception {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder()
                        .host("127.0.0.2")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicationLink();
            GroupObservation observed = runs.observe(primary, replica);
            List<GroupMember> members = new ArrayList<>(observed.members());
            members.add(GroupMember.unreadable(
                    new Member("127.0.0.3:1", Member.Kind.DATA, Role.REPLICA, ""), "cannot connect to 127.0.0.3:1"));
            GroupObservation group = GroupObservation.ofReplication(observed.group(), members);

            GroupReport report = new GroupDiagnosis(
                            List.of(EVERY_PRIMARY, NEEDS_TOPOLOGY), new Diagnosis(Rules.standard()))
                    .examine(group, Instant.parse("2026-11-21T21:18:09Z"));

            assertThat(report.findings()).extracting(Finding::title).containsExactly("1 primary with 1 replica");
            assertThat(report.skipped())
                    .extracting(Skipped::id, Skipped::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(
                            "test-topology", "no topology: one replica and its primary"));
            assertThat(report.members())
                    .extracting(Report::address)
                    .containsExactly(primary.address(), replica.address());
            assertThat(report.composition()).isEqualTo("1 primary, 2 replicas");
            assertThat(report.verdict()).isEqualTo("WARNING");

            String text = new TextReport(false).render(report);
            assertThat(text)
                    .startsWith("WARNING  sessions (" + primary.address() + "): 1 warning in the group; members: ")
                    .contains("; 1 not read\n")
                    .contains("Primary and replicas: 1 primary, 2 replicas, examined 2026-11-21T21:18:09Z over a")
                    .contains("\nNot read\n  127.0.0.3:1 (replica)  cannot connect to 127.0.0.3:1\n")
                    .contains("\nReplication\n  WARNING   1 primary with 1 replica  test-primaries\n")
                    .contains("\n  test-topology  no topology: one replica and its primary\n")
                    .contains("  sessions (" + replica.address() + "): ");

            String markdown = new MarkdownReport().render(report);
            assertThat(markdown)
                    .startsWith("# Redis doctor: sessions (" + primary.address() + ")\n\n**WARNING**: ")
                    .contains("\n## Replication\n\n### WARNING: 1 primary with 1 replica\n")
                    .contains("\n## Redis doctor: sessions (" + replica.address() + ")\n")
                    .contains("\n## Not read\n");

            JsonNode json = new ObjectMapper().readTree(new JsonReport().render(report));
            assertThat(json.get("group").asText()).isEqualTo("replication");
            assertThat(json.get("findings").get(0).get("id").asText()).isEqualTo("test-primaries");
            assertThat(json.get("unread").get(0).get("node").asText()).isEqualTo("127.0.0.3:1");
            assertThat(json.get("members")).hasSize(2);
            assertThat(json.get("members").get(1).get("role").asText()).isEqualTo("slave");
            long memberWarnings = report.members().stream()
                    .mapToLong(m -> m.count(Severity.WARNING))
                    .sum();
            assertThat(json.get("summary").get("warning").asLong()).isEqualTo(1 + memberWarnings);
        }
    }

    @Test
    void aBrokenGroupRuleIsSkippedAndTheOthersStillRun() throws Exception {
        try (RedisServer primary = RedisServer.start()) {
            GroupRule broken = new GroupRule("test-broken", Area.CONFIG, GroupRule.NOTHING, group -> {
                throw new IllegalStateException("bug");
            });
            GroupReport report = new GroupDiagnosis(List.of(broken, EVERY_PRIMARY), new Diagnosis(List.of()))
                    .examine(runs.observe(primary), Instant.now());

            assertThat(report.skipped())
                    .extracting(Skipped::reason)
                    .containsExactly("the rule failed: java.lang.IllegalStateException: bug");
            assertThat(report.findings()).extracting(Finding::id).containsExactly("test-primaries");
        }
    }
}
