package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import io.steward.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rediss:// targets against a real redis-server listening with TLS. */
class TlsTest {

    @TempDir
    static Path dir;

    private static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create(dir);
    }

    private static StewardConfig.TargetEntry entry(RedisServer server, StewardConfig.Tls tls) {
        return new StewardConfig.TargetEntry(
                "secure", "rediss://127.0.0.1:" + server.port(), null, null, null, "300ms", "2s", tls);
    }

    private static double up(Agent agent) {
        return Metrics.value(Http.get(TestAgents.base(agent) + "/metrics").body(), "redis_up{target=\"secure\"}")
                .orElse(-1.0);
    }

    @Test
    void aRedissTargetIsWatchedWhenItsCaIsGiven() {
        try (RedisServer server = RedisServer.builder().tls(certificates, false).start();
                Agent agent = TestAgents.start(
                        Map.of(),
                        entry(
                                server,
                                new StewardConfig.Tls(certificates.caCert().toString(), null, null)))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> up(agent) == 1.0);
        }
    }

    @Test
    void aServerThatRequiresClientCertificatesIsWatchedWithOne() {
        try (RedisServer server = RedisServer.builder().tls(certificates, true).start();
                Agent agent = TestAgents.start(
                        Map.of(),
                        entry(
                                server,
                                new StewardConfig.Tls(
                                        certificates.caCert().toString(),
                                        certificates.clientCert().toString(),
                                        certificates.clientKey().toString())))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> up(agent) == 1.0);
        }
    }

    @Test
    void anUntrustedServerCertificateIsATlsFailure() {
        try (RedisServer server = RedisServer.builder().tls(certificates, false).start();
                Agent agent = TestAgents.start(Map.of(), entry(server, null))) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Metrics.value(
                                            Http.get(TestAgents.base(agent) + "/metrics")
                                                    .body(),
                                            "steward_poll_errors_total{reason=\"tls\",target=\"secure\"}")
                                    .orElse(0.0)
                            >= 1);
            assertThat(up(agent)).isEqualTo(0.0);
        }
    }

    @Test
    void tlsFilesWithAPlainUriAreAConfigError() {
        TargetFactory factory = new TargetFactory(Map.of(), Duration.ofSeconds(2));
        StewardConfig.TargetEntry plain = new StewardConfig.TargetEntry(
                "a",
                "redis://127.0.0.1:1",
                null,
                null,
                null,
                null,
                null,
                new StewardConfig.Tls(certificates.caCert().toString(), null, null));
        assertThatThrownBy(() -> factory.fromEntry(plain, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "targets[0].tls: TLS files are given but the URI is not rediss:// (use rediss://host:port)");
    }

    @Test
    void anUnreadableCaFileIsNamedByItsKey() {
        TargetFactory factory = new TargetFactory(Map.of(), Duration.ofSeconds(2));
        StewardConfig.TargetEntry missing = new StewardConfig.TargetEntry(
                "a",
                "rediss://127.0.0.1:1",
                null,
                null,
                null,
                null,
                null,
                new StewardConfig.Tls(dir.resolve("absent.pem").toString(), null, null));
        assertThatThrownBy(() -> factory.fromEntry(missing, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("targets[0].tls.ca-file: cannot read ");
    }
}
