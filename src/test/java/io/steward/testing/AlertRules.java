package io.steward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The alert rules the project ships, {@code dashboards/prometheus/alerts.yml}: each alert's expression by name. */
public final class AlertRules {

    public static final Path FILE = Path.of("dashboards/prometheus/alerts.yml");

    private AlertRules() {}

    public static Map<String, String> expressions() {
        try {
            JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(FILE.toFile());
            Map<String, String> expressions = new HashMap<>();
            for (JsonNode group : rules.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    expressions.put(
                            rule.path("alert").asText(), rule.path("expr").asText());
                }
            }
            return expressions;
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
