package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.Http;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
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
    void aBackupOverReplicationGoesOverTlsWithTheClientCertificate() {
        try (RedisServer server = RedisServer.builder()
                .tls(certificates, true)
                .option("repl-diskless-sync-delay", "0")
                .start()) {
            Path store = dir.resolve("tls-store");

            Cli.Run run = Cli.run(
                    Map.of(),
                    "backup",
                    "run",
                    "--redis",
                    "rediss://127.0.0.1:" + server.port(),
                    "--source",
                    "replication",
                    "--to",
                    store.toUri().toString(),
                    "--tls-ca-file",
                    certificates.caCert().toString(),
                    "--tls-cert-file",
                    certificates.clientCert().toString(),
                    "--tls-key-file",
                    certificates.clientKey().toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            Cli.Run verify = Cli.run(
                    Map.of(), "backup", "verify", "--storage", store.toUri().toString(), "--latest");
            assertThat(verify.exitCode()).as(verify.err()).isZero();
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

    private static Cli.Run serve(String yaml) throws IOException {
        Path config = Files.writeString(dir.resolve("steward.yaml"), yaml);
        return Cli.run(Map.of(), "serve", "--config", config.toString());
    }

    @Test
    void tlsFilesWithAPlainUriAreAConfigError() throws IOException {
        Cli.Run run = serve("targets:\n  - name: a\n    uri: redis://127.0.0.1:1\n    tls:\n      ca-file: "
                + certificates.caCert() + "\n");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("steward.yaml:4:5: targets[0].tls: TLS files are given but the URI is not rediss://"
                        + " (use rediss://host:port)");
    }

    @Test
    void anUnreadableCaFileIsNamedByItsKeyAndPlace() throws IOException {
        Cli.Run run = serve("targets:\n  - name: a\n    uri: rediss://127.0.0.1:1\n    tls:\n      ca-file: "
                + dir.resolve("absent.pem") + "\n");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("steward.yaml:5:7: targets[0].tls.ca-file: cannot read ");
    }

    @Test
    void aClientCertificateWithoutItsKeyIsNamedByTheFlag() {
        Cli.Run run = Cli.run(
                Map.of(),
                "doctor",
                "rediss://127.0.0.1:1",
                "--tls-cert-file",
                certificates.clientCert().toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--tls-cert-file: a client certificate needs both --tls-cert-file and --tls-key-file");
    }
}
