package io.steward.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rules a shareable, provisionable dashboard keeps (after grafana/dashboard-linter): a datasource variable,
 * job/instance/target variables that filter every query, $__rate_interval, units and descriptions everywhere,
 * counters only inside rate() or increase(), stable unique uids.
 */
class DashboardLintTest {

    private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "state-timeline", "table", "gauge");
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:redis|steward)_[a-zA-Z0-9_]+)(\\{[^}]*})?");
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]]+)]");
    private static final List<String> FILTERS =
            List.of("job=~\"$job\"", "instance=~\"$instance\"", "target=~\"$target\"");

    @Test
    void thereAreTheDashboardsTheIssueAsksFor() {
        assertThat(Dashboards.files())
                .extracting(p -> p.getFileName().toString())
                .contains(
                        "overview.json",
                        "memory.json",
                        "persistence.json",
                        "replication.json",
                        "commands-latency.json",
                        "backups.json",
                        "groups.json");
    }

    @Test
    void everyDashboardHasAStableUniqueUidAndTheVariables() {
        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode dashboard = Dashboards.read(file);
            assertThat(dashboard.path("uid").asText()).as(file + " uid").matches("steward-[a-z-]+");
            assertThat(uids.add(dashboard.path("uid").asText()))
                    .as(file + " uid is unique")
                    .isTrue();
            assertThat(dashboard.path("id").isNull()).as(file + " id is null").isTrue();
            List<String> variables = new ArrayList<>();
            dashboard
                    .path("templating")
                    .path("list")
                    .forEach(v -> variables.add(v.path("name").asText()));
            assertThat(variables).as(file + " variables").containsExactly("datasource", "job", "instance", "target");
            JsonNode datasource = dashboard.path("templating").path("list").get(0);
            assertThat(datasource.path("type").asText()).isEqualTo("datasource");
            assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
        }
    }

    @Test
    void noPanelRefersToImportInputs() {
        for (Path file : Dashboards.files()) {
            assertThat(Dashboards.read(file).path("panels").toString())
                    .as(file.toString())
                    .doesNotContain("${DS_")
                    .doesNotContain("__inputs");
        }
    }

    @Test
    void everyPanelHasATypeUnitDescriptionAndTheDatasourceVariable() {
        for (Path file : Dashboards.files()) {
            for (JsonNode panel : Dashboards.read(file).path("panels")) {
                String where = file.getFileName() + " / " + panel.path("title").asText();
                assertThat(PANEL_TYPES)
                        .as(where + " type")
                        .contains(panel.path("type").asText());
                assertThat(panel.path("description").asText())
                        .as(where + " description")
                        .isNotBlank();
                assertThat(panel.path("fieldConfig")
                                .path("defaults")
                                .path("unit")
                                .asText())
                        .as(where + " unit")
                        .isNotBlank();
                assertThat(panel.path("datasource").path("uid").asText())
                        .as(where)
                        .isEqualTo("${datasource}");
                assertThat(panel.path("targets")).as(where + " queries").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText())
                            .as(where)
                            .isEqualTo("${datasource}");
                }
            }
        }
    }

    @Test
    void everySelectorIsFilteredByJobInstanceAndTarget() {
        List<String> unfiltered = new ArrayList<>();
        for (Dashboards.Query query : Dashboards.queries()) {
            Matcher selector = SELECTOR.matcher(query.expr());
            while (selector.find()) {
                String labels = selector.group(2) == null ? "" : selector.group(2);
                if (!FILTERS.stream().allMatch(labels::contains)) {
                    unfiltered.add(query + " (" + selector.group(1) + ")");
                }
            }
        }
        assertThat(unfiltered).isEmpty();
    }

    @Test
    void countersAreReadOnlyThroughRateOrIncreaseOverTheRateInterval() {
        List<String> problems = new ArrayList<>();
        for (Dashboards.Query query : Dashboards.queries()) {
            Matcher selector = SELECTOR.matcher(query.expr());
            while (selector.find()) {
                String before = query.expr().substring(0, selector.start());
                if (selector.group(1).endsWith("_total") && !before.matches("(?s).*\\b(rate|irate|increase)\\(\\s*$")) {
                    problems.add(query + " reads " + selector.group(1) + " without rate() or increase()");
                }
            }
            Matcher range = RANGE.matcher(query.expr());
            while (range.find()) {
                if (!range.group(1).equals("$__rate_interval")) {
                    problems.add(query + " uses a fixed range [" + range.group(1) + "]");
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
