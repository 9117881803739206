package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.steward.testing.Http;
import io.steward.testing.LogCapture;
import io.steward.testing.RedisServer;
import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent started with {@code web.config-file}: real HTTPS with the test CA's certificates, basic auth with
 * bcrypt hashes, headers, and the file read again while it runs.
 */
class WebConfigServeTest {

    private static final String PASSWORD = "scrape-Secret-9321";
    private static final String HASH = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static RedisServer redis;

    @TempDir
    Path dir;

    private TestCertificates certs;
    private Path webConfig;
    private Agent agent;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.stop();
    }

    @BeforeEach
    void makeCertificates() {
        certs = TestCertificates.create(dir);
        webConfig = dir.resolve("web.yml");
    }

    @AfterEach
    void stopAgent() {
        if (agent != null) {
            agent.close();
        }
    }

    private void serve(String webYaml) throws IOException {
        Files.writeString(webConfig, webYaml);
        agent = TestAgents.start(
                Map.of(),
                Duration.ofMinutes(1),
                "web:\n  config-file: \"" + webConfig + "\"\n",
                TestAgents.entry("cache", redis.uri()));
    }

    private String https(String path) {
        return "https://127.0.0.1:" + agent.port() + path;
    }

    private static final String TLS = """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
            """;

    @Test
    void servesMetricsOverHttpsWithTheCertificateNamedRelativeToTheWebConfig() throws IOException {
        serve(TLS);

        HttpResponse<String> metrics = HttpsGet.trusting(certs).get(https("/metrics"));

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("redis_up{");
        assertThat(HttpsGet.trusting(certs).serverSubject(https("/metrics"))).isEqualTo("CN=server");
        assertThatThrownBy(() -> Http.get("http://127.0.0.1:" + agent.port() + "/metrics"))
                .as("plain HTTP is not served beside HTTPS")
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void aClientWithoutACertificateSignedByTheClientCaIsRefused() throws IOException {
        serve(TLS + "  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n");

        assertThatThrownBy(() -> HttpsGet.trusting(certs).get(https("/metrics")))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(HttpsGet.trusting(certs)
                        .withClientCertificate()
                        .get(https("/metrics"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void requireAnyClientCertTakesAnyCertificateButNeedsOne() throws IOException {
        serve(TLS + "  client_auth_type: RequireAnyClientCert\n");

        assertThatThrownBy(() -> HttpsGet.trusting(certs).get(https("/metrics")))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(HttpsGet.trusting(certs)
                        .withClientCertificate()
                        .get(https("/metrics"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aUserAddedToTheWebConfigMayLogInWithoutARestart() throws IOException {
        serve(TLS + "basic_auth_users:\n  prometheus: " + HASH + "\n");
        String second = "second-Secret-4410";
        Files.writeString(
                webConfig,
                TLS + "basic_auth_users:\n  prometheus: " + HASH + "\n  grafana: "
                        + BCrypt.withDefaults().hashToString(4, second.toCharArray()) + "\n");

        Awaitility.await()
                .atMost(PATIENCE)
                .until(() -> HttpsGet.trusting(certs)
                                .as("grafana", second)
                                .get(https("/metrics"))
                                .statusCode()
                        == 200);
        assertThat(HttpsGet.trusting(certs)
                        .as("prometheus", PASSWORD)
                        .get(https("/metrics"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aClientOlderThanMinVersionIsRefused() throws IOException {
        serve(TLS + "  min_version: TLS13\n");

        assertThatThrownBy(() -> HttpsGet.trusting(certs).onlyOver("TLSv1.2").get(https("/metrics")))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(HttpsGet.trusting(certs)
                        .onlyOver("TLSv1.3")
                        .get(https("/metrics"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void withUsersEveryPathButHealthyNeedsTheRightPassword() throws IOException {
        serve(TLS + "basic_auth_users:\n  prometheus: " + HASH + "\n");
        HttpsGet client = HttpsGet.trusting(certs);

        assertThat(client.as("prometheus", PASSWORD).get(https("/metrics")).statusCode())
                .isEqualTo(200);
        assertThat(client.as("prometheus", PASSWORD).get(https("/metrics")).statusCode())
                .as("again, from the remembered check")
                .isEqualTo(200);
        for (HttpsGet refused : List.of(client, client.as("prometheus", "wrong"), client.as("nobody", PASSWORD))) {
            for (String path : List.of("/metrics", "/", "/discover", "/-/ready", "/scrape?target=cache")) {
                HttpResponse<String> answer = refused.get(https(path));
                assertThat(answer.statusCode()).as(path).isEqualTo(401);
                assertThat(answer.headers().firstValue("WWW-Authenticate"))
                        .as(path)
                        .hasValueSatisfying(value -> assertThat(value).startsWith("Basic realm="));
            }
        }
        assertThat(client.get(https("/-/healthy")).statusCode()).isEqualTo(200);
    }

    @Test
    void theConfiguredHeadersComeWithEveryAnswer() throws IOException {
        serve(TLS + """
                http_server_config:
                  headers:
                    X-Frame-Options: deny
                    Strict-Transport-Security: max-age=31536000
                basic_auth_users:
                  prometheus: %s
                """.formatted(HASH));

        for (HttpResponse<String> answer : List.of(
                HttpsGet.trusting(certs).get(https("/-/healthy")),
                HttpsGet.trusting(certs).get(https("/metrics")),
                HttpsGet.trusting(certs).as("prometheus", PASSWORD).get(https("/metrics")))) {
            assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("deny");
            assertThat(answer.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        }
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestart() throws IOException {
        Files.copy(certs.serverCert(), dir.resolve("live.crt"));
        Files.copy(certs.serverKey(), dir.resolve("live.key"));
        serve("tls_server_config:\n  cert_file: live.crt\n  key_file: live.key\n");
        assertThat(HttpsGet.trusting(certs).serverSubject(https("/metrics"))).isEqualTo("CN=server");

        // An EC key in OpenSSL's own form ("BEGIN EC PRIVATE KEY") this time.
        List<Path> rotated = certs.signed("rotated", "ec:" + ecParameters());
        TestCertificates.openssl(dir, "ec", "-in", rotated.get(1).toString(), "-out", "rotated-sec1.key");
        assertThat(Files.readString(dir.resolve("rotated-sec1.key"))).contains("BEGIN EC PRIVATE KEY");
        Files.copy(dir.resolve("rotated-sec1.key"), dir.resolve("live.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(rotated.get(0), dir.resolve("live.crt"), StandardCopyOption.REPLACE_EXISTING);

        Awaitility.await()
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(HttpsGet.trusting(certs).serverSubject(https("/metrics")))
                        .isEqualTo("CN=rotated"));
    }

    @Test
    void aBrokenNewWebConfigKeepsTheOneInUseAndTheLogSaysWhy() throws IOException {
        serve(TLS + "basic_auth_users:\n  prometheus: " + HASH + "\n");
        try (LogCapture log = new LogCapture()) {
            Files.writeString(webConfig, TLS + "basic_auth_users:\n  prometheus: " + PASSWORD + "\n");

            Awaitility.await()
                    .atMost(PATIENCE)
                    .until(() -> log.lines().stream().anyMatch(line -> line.contains("cannot be used")));
            assertThat(log.lines().stream().filter(line -> line.contains("cannot be used")))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains(webConfig + ":5:3: basic_auth_users.prometheus: not a bcrypt hash")
                            .doesNotContain(PASSWORD));
        }
        assertThat(HttpsGet.trusting(certs)
                        .as("prometheus", PASSWORD)
                        .get(https("/metrics"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aWebConfigSwitchedFromHttpsToHttpWaitsForARestart() throws IOException {
        serve(TLS);
        try (LogCapture log = new LogCapture()) {
            Files.writeString(webConfig, "basic_auth_users:\n  prometheus: " + HASH + "\n");

            Awaitility.await()
                    .atMost(PATIENCE)
                    .until(() -> log.lines().stream().anyMatch(line -> line.contains("takes a restart")));
        }
        assertThat(HttpsGet.trusting(certs).get(https("/metrics")).statusCode()).isEqualTo(200);
    }

    @Test
    void refusedLoginsAreLoggedWithTheUserButNeverThePassword() throws IOException {
        serve("basic_auth_users:\n  prometheus: " + HASH + "\n");
        String wrong = "guessed-Secret-1234";
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> answer = HttpsGet.trusting(certs)
                        .as("prometheus", wrong)
                        .get("http://127.0.0.1:" + agent.port() + "/metrics");
                assertThat(answer.statusCode()).isEqualTo(401);
            }
            List<String> refused = log.lines().stream()
                    .filter(line -> line.contains("refused a request"))
                    .toList();
            assertThat(refused)
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line)
                            .contains("from 127.0.0.1", "'prometheus'")
                            .doesNotContain(wrong));
            assertThat(refused.size()).as("at most one line per 10 s").isLessThan(3);
        }
    }

    @Test
    void theLandingPageOffersNoScrapeOfAnyServer() throws IOException {
        serve(TLS);

        String page = HttpsGet.trusting(certs).get(https("/")).body();

        assertThat(page).contains("/metrics").doesNotContain("href=\"/scrape").doesNotContain("6379");
    }

    /** {@code openssl req -newkey ec:FILE} takes the curve from a parameters file. */
    private String ecParameters() {
        TestCertificates.openssl(dir, "ecparam", "-name", "prime256v1", "-out", "p256.pem");
        return dir.resolve("p256.pem").toString();
    }
}
