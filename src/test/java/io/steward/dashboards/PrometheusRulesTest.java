package io.steward.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's promtool checks the alert rules, runs their unit tests, and checks every dashboard query. */
class PrometheusRulesTest {

    @Test
    void theAlertRulesAreValid() throws Exception {
        List<String> output = Promtool.run("", "check", "rules", "dashboards/prometheus/alerts.yml");
        assertThat(output).anySatisfy(line -> assertThat(line).contains("SUCCESS: 24 rules found"));
    }

    @Test
    void everyAlertRuleFiresAndStaysQuietWhereItsTestSays() throws Exception {
        List<String> output = Promtool.run("", "test", "rules", "dashboards/prometheus/alerts_test.yml");
        assertThat(String.join("\n", output)).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyDashboardQueryIsValidPromql(@TempDir Path dir) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int n = 0;
        for (Dashboards.Query query : Dashboards.queries()) {
            rules.append("      - record: dashboard:query_")
                    .append(n++)
                    .append('\n')
                    .append("        expr: '")
                    .append(Dashboards.resolve(query.expr(), "5m").replace("'", "''"))
                    .append("'\n");
        }
        Path file = dir.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        String expected = "SUCCESS: " + n + " rules found";
        List<String> output = Promtool.run("", "check", "rules", file.toString());
        assertThat(output).anySatisfy(line -> assertThat(line).contains(expected));
    }
}
