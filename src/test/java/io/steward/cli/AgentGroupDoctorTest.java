package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.SentinelGroup;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The doctor inside {@code steward serve} on a Sentinel group: the group's findings are series of the group. */
class AgentGroupDoctorTest {

    private static final String NO_CANDIDATE =
            "steward_doctor_finding{rule=\"failover-no-candidate\",severity=\"critical\",target=\"sessions\"}";

    @Test
    void publishesTheGroupsFindingsWithoutANodeLabelOnceItsMembersHaveBeenDiagnosed() throws Exception {
        try (SentinelGroup group = SentinelGroup.builder()
                        .replicaPriority(0, 0)
                        .replicaPriority(1, 0)
                        .start();
                Agent agent = TestAgents.start(
                        Map.of(), Duration.ofMillis(500), TestAgents.entry("sessions", group.sentinelUri()))) {
            group.awaitSentinelsAgree();
            String base = TestAgents.base(agent);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Metrics.value(metrics(base), NO_CANDIDATE).isPresent());
            assertThat(metrics(base))
                    .containsPattern("steward_doctor_finding\\{node=\""
                            + group.primaryAddress().replace(".", "\\.")
                            + "\",rule=\"[a-z-]+\",severity=\"[a-z]+\",target=\"sessions\"} 1")
                    .containsPattern("steward_doctor_last_run_timestamp_seconds\\{target=\"sessions\"} \\d");

            HttpResponse<String> report = Http.get(base + "/doctor?target=sessions");
            assertThat(report.statusCode()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(report.body());
            assertThat(json.get("group").asText()).isEqualTo("sentinel");
            assertThat(json.get("composition").asText()).isEqualTo("1 primary, 2 replicas, 3 Sentinels");
            assertThat(json.get("members")).hasSize(3);
        }
    }

    private static String metrics(String base) {
        return Http.get(base + "/metrics").body();
    }
}
