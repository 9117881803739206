package io.steward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Debian's Prometheus, started on a free port with a temp config and storage, scraping what the test says. */
public final class PrometheusServer implements AutoCloseable {

    private final ExternalProcess process;
    private final Path dir;
    private final String base;

    private PrometheusServer(ExternalProcess process, Path dir, String base) {
        this.process = process;
        this.dir = dir;
        this.base = base;
    }

    /**
     * @param scrapeTarget host:port of the agent, scraped every second as job "steward"
     * @param ruleFile a rule file to load, or null
     */
    public static PrometheusServer start(String scrapeTarget, Path ruleFile) throws IOException {
        return start(scrapeTarget, ruleFile, "");
    }

    /**
     * @param jobSettings further settings of the job, as YAML lines at the job's level ({@code scheme: https},
     *     {@code basic_auth:}, ...)
     */
    public static PrometheusServer start(String scrapeTarget, Path ruleFile, String jobSettings) throws IOException {
        Path dir = Files.createTempDirectory("steward-prometheus-");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(
                config,
                """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: steward
                    static_configs:
                      - targets: ["%s"]
                """.formatted(scrapeTarget)
                        + jobSettings.lines().map(line -> "    " + line + "\n").collect(Collectors.joining())
                        + (ruleFile == null ? "" : "rule_files:\n  - " + ruleFile.toAbsolutePath() + "\n"));
        int port = FreePort.find();
        String base = "http://127.0.0.1:" + port;
        ExternalProcess process = ExternalProcess.start(
                "/usr/bin/prometheus",
                "prometheus",
                List.of(
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn"),
                () -> ExternalProcess.answers(base + "/-/ready"));
        return new PrometheusServer(process, dir, base);
    }

    /** The instant vector an expression evaluates to now, as the API's result array. */
    public JsonNode query(String expr) {
        String body = Http.get(base + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))
                .body();
        try {
            JsonNode reply = new ObjectMapper().readTree(body);
            if (!reply.path("status").asText().equals("success")) {
                throw new IllegalStateException("Prometheus refused " + expr + ": " + body);
            }
            return reply.path("data").path("result");
        } catch (IOException failure) {
            throw new IllegalStateException("Prometheus answered " + body, failure);
        }
    }

    public String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
        RedisServer.deleteRecursively(dir);
    }
}
