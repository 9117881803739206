package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import io.steward.testing.TcpRelay;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 endpoint that hangs rather than dies: it takes the connection and then never answers. {@code backup run}
 * gives up once an attempt has had no answer for a minute (or has not got its data through in a minute plus the
 * data's time at 256 KiB/s), after {@code max-attempts} attempts (one here), says so, exits 3 (could not run), and
 * leaves nothing listed. Each test takes that minute or two.
 */
class BackupHangingStoreTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);

    @TempDir
    Path dir;

    private RedisServer redis;

    @BeforeEach
    void start() {
        redis = RedisServer.builder().enableDebugCommand().start();
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    private Path config(URI endpoint, String more) throws IOException {
        return Files.writeString(
                Files.createTempFile(dir, "steward-", ".yaml"),
                "storage:\n"
                        + "  url: s3://hanging/redis\n"
                        + more
                        + "  s3:\n"
                        + "    endpoint: " + endpoint + "\n"
                        + "    access-key-env: " + Cli.KEY_VARIABLE + "\n"
                        + "    secret-key-env: " + Cli.SECRET_VARIABLE + "\n"
                        + "    max-attempts: 1\n");
    }

    /** Runs the backup in the background and waits, well past its timeouts, for it to end. */
    private Cli.Run backupAgainst(Path config) {
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(
                () -> Cli.run(ENV, "backup", "run", "--config", config.toString(), "--redis", redis.uri()));
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .until(run::isDone);
        return run.join();
    }

    @Test
    void aStoreThatTakesTheRequestAndNeverAnswersFailsTheBackupAndKeepsNothing() throws IOException {
        redis.call("DEBUG", "POPULATE", "1000");
        try (S3Server s3 = S3Server.start();
                TcpRelay link = TcpRelay.to(s3.endpoint().getPort())) {
            s3.createBucket("hanging");
            // The store behind the link hangs from the first byte on: every request is read and never answered.
            link.blackHoleAfter(0);

            Cli.Run run = backupAgainst(config(link.endpoint(), ""));

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err())
                    .contains("cannot reach s3://hanging/redis at " + link.endpoint() + " after 1 attempts")
                    // The socket's read timeout or the attempt's, whichever ends first: both are a minute.
                    .containsAnyOf("Read timed out", "did not complete before the specified timeout")
                    .contains("check storage.s3.endpoint and that the store is up")
                    .doesNotContain(S3Server.SECRET_KEY);
            Cli.Run list = Cli.run(
                    ENV, "backup", "list", "--config", config(s3.endpoint(), "").toString(), "-o", "json");
            assertThat(list.out().strip()).isEqualTo("[ ]");
            try (S3Client client = s3.client()) {
                assertThat(client.listObjectsV2(objects -> objects.bucket("hanging"))
                                .contents())
                        .isEmpty();
                assertThat(client.listMultipartUploads(uploads -> uploads.bucket("hanging"))
                                .uploads())
                        .isEmpty();
            }
            // The store's check before the backup meets the hang: the server was never forked.
            assertThat(redis.calls("bgsave")).isZero();
        }
    }

    @Test
    void aStoreThatStopsReadingInTheMiddleOfTheDataFailsTheBackupRatherThanHangingIt() throws IOException {
        // About 6 MiB, stored as it is in one PUT: more than the socket buffers take from a peer that reads nothing.
        redis.call("CONFIG", "SET", "rdbcompression", "no");
        redis.call("DEBUG", "POPULATE", "6000", "key", "1000");
        try (S3Server s3 = S3Server.start();
                TcpRelay link = TcpRelay.to(s3.endpoint().getPort())) {
            s3.createBucket("hanging");
            // The store's check before the backup passes (a few small requests); the data goes nowhere a little way
            // in, and no answer ever comes back.
            link.blackHoleAfter(256 * 1024);

            Cli.Run run = backupAgainst(config(link.endpoint(), "  compression: none\n"));

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err())
                    .contains("cannot reach s3://hanging/redis at " + link.endpoint() + " after 1 attempts")
                    .containsAnyOf("Read timed out", "did not complete before the specified timeout")
                    .contains("check storage.s3.endpoint and that the store is up");
            assertThat(redis.calls("bgsave")).isEqualTo(1);
        }
    }
}
