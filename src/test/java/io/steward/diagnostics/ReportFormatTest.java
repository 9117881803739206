package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Captures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three report forms of the busy-primary capture, compared with golden files in src/test/resources/info/
 * redis-7.0/doctor/golden. After a deliberate change of wording, regenerate them with
 * {@code mvn test -Dtest=ReportFormatTest -Ddoctor.golden.update=true} and review the diff.
 */
class ReportFormatTest {

    private static final String GOLDEN = DoctorCaptures.DIR + "golden/";

    private final Report report = new Diagnosis(Rules.standard())
            .examine(DoctorCaptures.busyPrimary(), Instant.parse("2026-11-21T21:18:09Z"));

    @Test
    void textReportMatchesTheGoldenFile() throws IOException {
        assertGolden("report.txt", new TextReport(false).render(report));
    }

    @Test
    void markdownReportMatchesTheGoldenFile() throws IOException {
        assertGolden("report.md", new MarkdownReport().render(report));
    }

    @Test
    void jsonReportMatchesTheGoldenFile() throws IOException {
        assertGolden("report.json", new JsonReport().render(report));
    }

    @Test
    void textStartsWithAOneLineVerdictAndPutsTheWorstAreaFirst() {
        List<String> lines = new TextReport(false).render(report).lines().toList();

        assertThat(lines.get(0)).isEqualTo("WARNING  cache-1 (10.0.0.5:6379): " + ReportLayout.counts(report));
        assertThat(lines.get(3)).isEqualTo("Latency");
        assertThat(lines.get(4)).startsWith("  WARNING   Redis stalled for up to");
        // Replication has a note only, so it comes after every area with a warning.
        assertThat(lines.subList(2, lines.size()).stream()
                        .filter(line -> !line.isEmpty() && !line.startsWith(" "))
                        .toList())
                .containsExactly("Latency", "Security", "Configuration", "Memory", "Replication");
    }

    @Test
    void colourIsAnsiOnlyWhenAskedFor() {
        String coloured = new TextReport(true).render(report);

        assertThat(coloured).startsWith("\u001b[1;33mWARNING\u001b[0m").contains("\u001b[36mINFO\u001b[0m");
        assertThat(new TextReport(false).render(report)).doesNotContain("\u001b[");
    }

    @Test
    void jsonFollowsTheReportContract() throws IOException {
        JsonNode json = new ObjectMapper().readTree(new JsonReport().render(report));

        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("target").asText()).isEqualTo("cache-1");
        assertThat(json.get("redisVersion").asText()).isEqualTo("7.0.15");
        assertThat(json.get("role").asText()).isEqualTo("master");
        assertThat(json.get("startedAt").asText()).isEqualTo("2026-11-21T21:18:09Z");
        assertThat(json.get("findings"))
                .allSatisfy(finding -> assertThat(finding.fieldNames())
                        .toIterable()
                        .containsExactly("id", "area", "severity", "title", "evidence", "remedy"));
        assertThat(json.get("summary").get("critical").asLong()).isEqualTo(report.count(Severity.CRITICAL));
        assertThat(json.get("summary").get("warning").asLong()).isEqualTo(report.count(Severity.WARNING));
        assertThat(json.get("summary").get("info").asLong()).isEqualTo(report.count(Severity.INFO));
    }

    @Test
    void severalReportsMakeAJsonArray() throws IOException {
        JsonNode json = new ObjectMapper().readTree(new JsonReport().render(List.of(report, report)));

        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(2);
    }

    @Test
    void noFormShowsTheAclPasswordHashOfTheCapture() {
        String hash = Captures.text(DoctorCaptures.DIR + "acl-list.txt")
                .lines()
                .filter(l -> l.startsWith("user app"))
                .findFirst()
                .orElseThrow()
                .split(" ")[3]
                .substring(1);

        assertThat(hash).hasSize(64);
        for (String output : List.of(
                new TextReport(false).render(report),
                new MarkdownReport().render(report),
                new JsonReport().render(report))) {
            assertThat(output).doesNotContain(hash).doesNotContain("app-secret-password");
        }
    }

    private static void assertGolden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("doctor.golden.update")) {
            Path file = Path.of("src/test/resources/info").resolve(GOLDEN + name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
        }
        assertThat(actual).isEqualTo(Captures.text(GOLDEN + name));
    }
}
