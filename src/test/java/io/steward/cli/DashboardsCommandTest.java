package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardsCommandTest {

    @TempDir
    Path dir;

    private static Cli.Run run(String... args) {
        return Cli.run(Map.of(), args);
    }

    @Test
    void theJarBundlesEveryFileOfTheDashboardsFolder() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("dashboards"))) {
            List<String> inTree = files.filter(Files::isRegularFile)
                    .map(p -> Path.of("dashboards").relativize(p).toString())
                    .sorted()
                    .toList();
            assertThat(DashboardsCommand.BUNDLED).containsExactlyInAnyOrderElementsOf(inTree);
        }
    }

    @Test
    void exportWritesTheDashboardsAndRulesAsTheyAreInTheTree() throws IOException {
        Path target = dir.resolve("out");
        Cli.Run run = run("dashboards", "export", target.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("wrote " + target.resolve("grafana/overview.json"));
        for (String name : DashboardsCommand.BUNDLED) {
            assertThat(target.resolve(name)).hasSameBinaryContentAs(Path.of("dashboards", name));
        }
    }

    @Test
    void exportRefusesToOverwriteAnEditedFileUnlessForced() throws IOException {
        Path edited = dir.resolve("grafana/overview.json");
        Files.createDirectories(edited.getParent());
        Files.writeString(edited, "{\"my\": \"edits\"}");
        Cli.Run refused = run("dashboards", "export", dir.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains("not overwriting 1 file(s) with other content, first " + edited)
                .contains("--force");
        assertThat(edited).hasContent("{\"my\": \"edits\"}");
        assertThat(dir.resolve("grafana/memory.json")).doesNotExist();

        Cli.Run forced = run("dashboards", "export", "--force", dir.toString());
        assertThat(forced.exitCode()).isZero();
        assertThat(edited).hasSameBinaryContentAs(Path.of("dashboards/grafana/overview.json"));
    }

    @Test
    void exportingTwiceChangesNothing() {
        assertThat(run("dashboards", "export", dir.toString()).exitCode()).isZero();
        Cli.Run again = run("dashboards", "export", dir.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).doesNotContain("wrote").contains("unchanged");
    }

    @Test
    void anUnwritableDirectoryIsNamed() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a directory");
        Cli.Run run = run("dashboards", "export", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("steward: cannot write " + file.resolve("grafana"));
    }
}
