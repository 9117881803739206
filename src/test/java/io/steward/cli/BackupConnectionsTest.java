package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup to S3 and its restore, for each way the agent may have to reach Redis: a password, an ACL user with only
 * what the README says a backup needs, TLS with a client certificate, and a replica rather than the primary. Each
 * restore, loaded by a fresh redis-server, holds exactly the source's data.
 */
class BackupConnectionsTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);
    private static final String PASSWORD = "s3cret-redis-pass";

    private static S3Server s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() {
        s3 = S3Server.start();
        s3.createBucket("connections");
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    /** Every type, expiries, and more than one database. */
    private static void fill(RedisCommands<String, String> redis) {
        redis.set("string", "value");
        redis.rpush("list", "a", "b", "c");
        redis.sadd("set", "x", "y");
        redis.zadd("zset", 1.5, "one", 2.5, "two");
        redis.hset("hash", Map.of("f1", "v1", "f2", "v2"));
        redis.xadd("stream", Map.of("event", "created"));
        redis.setex("expiring", 3600, "soon gone");
        RedisServer.call(redis, "DEBUG", "POPULATE", "20000", "bulk", "64");
        redis.select(3);
        RedisServer.call(redis, "DEBUG", "POPULATE", "500", "db3", "16");
        redis.select(0);
    }

    private Path config(String more) {
        return Cli.s3Config(dir, s3.endpoint().toString(), "connections", more);
    }

    private Path passwordFile(String password) throws IOException {
        return Files.writeString(dir.resolve("redis.pass"), password + "\n");
    }

    /** The backup printed its id, said nothing of the password, and restores to exactly the source's data. */
    private void assertRestoresTheSource(Cli.Run backup, Path config, Restores.Contents source) {
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out() + backup.err()).doesNotContain(PASSWORD);
        Cli.Run verify = Cli.run(ENV, "backup", "verify", "--config", config.toString(), backup.backupId());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        Restores.Contents restored = Restores.restoreAndLoad(ENV, config, backup.backupId(), dir.resolve("restored"));
        assertThat(restored).isEqualTo(source);
        assertThat(restored.keys()).containsKeys("db0", "db3");
    }

    @Test
    void aServerWithAPasswordIsBackedUpWithThePasswordFile() throws IOException {
        try (RedisServer redis =
                RedisServer.builder().password(PASSWORD).enableDebugCommand().start()) {
            fill(redis.commands());
            Path config = config("");

            Cli.Run backup = Cli.run(
                    ENV,
                    "backup",
                    "run",
                    "--config",
                    config.toString(),
                    "--redis",
                    redis.uri(),
                    "--password-file",
                    passwordFile(PASSWORD).toString());

            assertRestoresTheSource(backup, config, Restores.Contents.of(redis.commands()));
            assertThat(redis.calls("bgsave")).isEqualTo(1);
        }
    }

    @Test
    void anAclUserWithOnlyBgsaveInfoAndConfigGetCanTakeABackup() throws IOException {
        // The default user has a password of its own: a backup that did not log in as the ACL user would fail.
        try (RedisServer redis = RedisServer.builder()
                .password("the-admin-password")
                .enableDebugCommand()
                .start()) {
            fill(redis.commands());
            redis.call("ACL", "SETUSER", "backup", "on", ">" + PASSWORD, "+bgsave", "+info", "+config|get");
            Path config = config("targets:\n"
                    + "  - name: cache\n"
                    + "    uri: " + redis.uri() + "\n"
                    + "    username: backup\n"
                    + "    password-file: " + passwordFile(PASSWORD) + "\n");

            Cli.Run backup = Cli.run(ENV, "backup", "run", "--config", config.toString(), "--target", "cache");

            assertRestoresTheSource(backup, config, Restores.Contents.of(redis.commands()));
            assertThat(redis.call("ACL", "LOG").toString()).doesNotContain("backup");
        }
    }

    @Test
    void aServerThatOnlySpeaksTlsIsBackedUpOverRediss() {
        TestCertificates certificates = TestCertificates.create(dir);
        try (RedisServer redis = RedisServer.builder()
                        .tls(certificates, true)
                        .enableDebugCommand()
                        .start();
                TlsConnection tls = TlsConnection.to(redis, certificates)) {
            fill(tls.commands());
            Path config = config("");

            Cli.Run backup = Cli.run(
                    ENV,
                    "backup",
                    "run",
                    "--config",
                    config.toString(),
                    "--redis",
                    "rediss://127.0.0.1:" + redis.port(),
                    "--tls-ca-file",
                    certificates.caCert().toString(),
                    "--tls-cert-file",
                    certificates.clientCert().toString(),
                    "--tls-key-file",
                    certificates.clientKey().toString());

            assertRestoresTheSource(backup, config, Restores.Contents.of(tls.commands()));
        }
    }

    @Test
    void aReplicaIsBackedUpAndItsManifestSaysSo() throws IOException {
        try (RedisServer primary = RedisServer.builder().enableDebugCommand().start()) {
            fill(primary.commands());
            Restores.Contents data = Restores.Contents.of(primary.commands());
            try (RedisServer replica = RedisServer.builder()
                    .enableDebugCommand()
                    .replicaOf(primary)
                    .start()) {
                replica.awaitReplicationLink();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Restores.Contents.of(replica.commands()).equals(data));
                Path config = config("");

                Cli.Run backup = Cli.run(ENV, "backup", "run", "--config", config.toString(), "--redis", replica.uri());

                assertRestoresTheSource(backup, config, data);
                assertThat(replica.calls("bgsave")).isEqualTo(1);
                assertThat(primary.calls("bgsave")).isZero();
                JsonNode source = manifest("127.0.0.1_" + replica.port(), backup.backupId())
                        .get("source");
                // The role as Redis's INFO names it.
                assertThat(source.get("role").asText()).isEqualTo("slave");
                assertThat(source.get("address").asText()).isEqualTo("127.0.0.1:" + replica.port());
            }
        }
    }

    /** The manifest as it lies in the bucket. */
    private static JsonNode manifest(String targetDir, String id) throws IOException {
        try (var client = s3.client();
                var in = client.getObject(
                        get -> get.bucket("connections").key("redis/" + targetDir + "/" + id + "/manifest.json"))) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** The test's own connection to a TLS-only server, with the client certificate it requires. */
    private record TlsConnection(RedisClient client, StatefulRedisConnection<String, String> connection)
            implements AutoCloseable {

        static TlsConnection to(RedisServer server, TestCertificates certificates) {
            RedisClient client = RedisClient.create(RedisURI.Builder.redis("127.0.0.1", server.port())
                    .withSsl(true)
                    .build());
            client.setOptions(ClientOptions.builder()
                    .sslOptions(SslOptions.builder()
                            .jdkSslProvider()
                            .trustManager(certificates.caCert().toFile())
                            .keyManager(
                                    certificates.clientCert().toFile(),
                                    certificates.clientKey().toFile(),
                                    new char[0])
                            .build())
                    .build());
            return new TlsConnection(client, client.connect());
        }

        RedisCommands<String, String> commands() {
            return connection.sync();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
