package io.steward.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The Grafana dashboards in dashboards/grafana, and every query in them. */
public final class Dashboards {

    public static final Path GRAFANA = Path.of("dashboards/grafana");

    /** The dashboard of Sentinel groups and clusters, whose queries need a group to return data. */
    public static final Path GROUPS = GRAFANA.resolve("groups.json");

    /**
     * One query of one panel, with the panel's unit and its declared axis bounds.
     *
     * @param min the panel's {@code fieldConfig.defaults.min}, or null
     * @param max the panel's {@code fieldConfig.defaults.max}, or null
     */
    public record Query(String dashboard, String panel, String expr, String unit, Double min, Double max) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + ": " + expr;
        }
    }

    private Dashboards() {}

    public static List<Path> files() {
        try (Stream<Path> files = Files.list(GRAFANA)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException failure) {
            throw new UncheckedIOException(file + " is not valid JSON", failure);
        }
    }

    public static List<Query> queries() {
        return queries(file -> true);
    }

    /** The queries of the dashboards {@code which} accepts. */
    public static List<Query> queries(Predicate<Path> which) {
        List<Query> queries = new ArrayList<>();
        for (Path file : files().stream().filter(which).toList()) {
            JsonNode dashboard = read(file);
            for (JsonNode panel : dashboard.path("panels")) {
                JsonNode defaults = panel.path("fieldConfig").path("defaults");
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(
                            dashboard.path("title").asText(),
                            panel.path("title").asText(),
                            target.path("expr").asText(),
                            defaults.path("unit").asText(),
                            defaults.path("min").isNumber()
                                    ? defaults.path("min").asDouble()
                                    : null,
                            defaults.path("max").isNumber()
                                    ? defaults.path("max").asDouble()
                                    : null));
                }
            }
        }
        return queries;
    }

    /** The expression as Prometheus would get it from Grafana with every variable on "All". */
    public static String resolve(String expr, String rateInterval) {
        return resolve(expr, rateInterval, ".*");
    }

    /** The expression as Grafana would send it with the target variable matching {@code targetRegex}. */
    public static String resolve(String expr, String rateInterval, String targetRegex) {
        return expr.replace("$__rate_interval", rateInterval)
                .replace("=~\"$job\"", "=~\".+\"")
                .replace("=~\"$instance\"", "=~\".+\"")
                .replace("=~\"$target\"", "=~\"" + targetRegex + "\"");
    }
}
