package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.steward.testing.PrometheusServer;
import io.steward.testing.RedisServer;
import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steward serve --web.config.file FILE} as a user runs it, and a real Prometheus scraping it. */
class ServeWebConfigTest {

    private static final String PASSWORD = "prom-Secret-7781";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private RedisServer redis;
    private TestCertificates certs;
    private Path config;
    private Path webConfig;

    @BeforeEach
    void start() throws IOException {
        redis = RedisServer.start();
        certs = TestCertificates.create(dir);
        config = dir.resolve("steward.yml");
        Files.writeString(config, TestAgents.yaml(TestAgents.entry("cache", redis.uri())));
        webConfig = dir.resolve("web.yml");
        Files.writeString(webConfig, """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                basic_auth_users:
                  prometheus: %s
                """.formatted(BCrypt.withDefaults().hashToString(10, PASSWORD.toCharArray())));
    }

    @AfterEach
    void stop() {
        redis.stop();
    }

    @Test
    void prometheusScrapesTheAgentOverHttpsWithBasicAuth() throws IOException {
        try (ServeProcess agent = ServeProcess.start(
                        config,
                        dir.resolve("agent.log"),
                        Map.of(),
                        List.of("--web.config.file", webConfig.toString()));
                PrometheusServer prometheus = PrometheusServer.start(
                        "127.0.0.1:" + agent.port(), null, """
                        scheme: https
                        tls_config:
                          ca_file: %s
                        basic_auth:
                          username: prometheus
                          password: %s
                        """.formatted(certs.caCert(), PASSWORD))) {
            String base = "https://127.0.0.1:" + agent.port();
            Awaitility.await()
                    .atMost(PATIENCE)
                    .ignoreExceptions()
                    .until(() ->
                            HttpsGet.trusting(certs).get(base + "/-/healthy").statusCode() == 200);

            Awaitility.await()
                    .atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(prometheus.query("up{job=\"steward\"} == 1"))
                            .as("agent log:\n%s\nprometheus:\n%s", agent.log(), prometheus.output())
                            .hasSize(1));
            assertThat(HttpsGet.trusting(certs).get(base + "/metrics").statusCode())
                    .isEqualTo(401);
            assertThat(agent.log()).contains("listening on https://").doesNotContain(PASSWORD);
        }
    }

    @Test
    void aBrokenWebConfigStopsServeWithExitTwoNamingFileAndKey() throws IOException {
        Files.writeString(webConfig, "tls_server_config:\n  cert_file: server.crt\n  key_file: missing.key\n");

        Cli.Run run =
                Cli.run(Map.of(), "serve", "--config", config.toString(), "--web.config.file", webConfig.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("steward: " + webConfig + ":3:3: tls_server_config.key_file: " + dir.resolve("missing.key")
                        + " does not exist\n");
    }

    @Test
    void anUnknownKeyOfTheWebConfigStopsServeWithExitTwo() throws IOException {
        Files.writeString(webConfig, "basic_auth_user:\n  prometheus: x\n");

        Cli.Run run =
                Cli.run(Map.of(), "serve", "--config", config.toString(), "--web.config.file", webConfig.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("steward: " + webConfig + ":1:1: basic_auth_user: unknown key (known: basic_auth_users,")
                .doesNotContain("Exception");
    }

    @Test
    void theHelpOfServeNamesTheFlag() {
        assertThat(Cli.run(Map.of(), "serve", "--help").out()).contains("--web.config.file=FILE");
    }
}
