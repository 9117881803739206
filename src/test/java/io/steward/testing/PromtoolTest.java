package io.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The promtool helper fails a test when promtool fails, and shows what promtool said. */
class PromtoolTest {

    @Test
    void aRuleFilePromtoolRejectsFailsWithPromtoolsMessage(@TempDir Path dir) throws Exception {
        Path rules = Files.writeString(
                dir.resolve("broken.yml"),
                "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: 'sum('\n");
        assertThatThrownBy(() -> Promtool.run("", "check", "rules", rules.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("check rules " + rules)
                .hasMessageContaining("(exit 1)")
                .hasMessageContaining("FAILED");
    }

    @Test
    void anExpositionPromtoolCannotParseFailsRatherThanReadingAsProblems() {
        assertThatThrownBy(() -> Promtool.checkMetrics("garbage{{ 1\n"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("text format parsing error");
    }

    @Test
    void lintProblemsAreReturnedOnePerLineAndACleanExpositionHasNone() throws Exception {
        assertThat(Promtool.checkMetrics("# TYPE jobs counter\njobs 1\n"))
                .containsExactly("jobs counter metrics should have \"_total\" suffix", "jobs no help text");
        assertThat(Promtool.checkMetrics("# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 1\n"))
                .isEmpty();
    }
}
