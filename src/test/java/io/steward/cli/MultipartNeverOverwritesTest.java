package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.backup.BackupException;
import io.steward.backup.ObjectWriter;
import io.steward.backup.S3Settings;
import io.steward.backup.S3Store;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup large enough to go up in several parts is never replaced: another multipart upload to its key is
 * refused when it completes, and the backup still verifies and restores.
 */
class MultipartNeverOverwritesTest {

    private static final Map<String, String> ENV =
            Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aSecondMultipartUploadToTheKeyOfABackupIsRefusedAndTheBackupStillVerifies() throws Exception {
        try (RedisServer redis = RedisServer.builder().enableDebugCommand().start();
                S3Server s3 = S3Server.start()) {
            s3.createBucket("never-overwrite");
            // Random values, which zstd cannot shrink below 8 MiB: the stored object goes up in several parts.
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < 24; i++) {
                byte[] noise = new byte[512 * 1024];
                random.nextBytes(noise);
                redis.commands().set("noise:" + i, HexFormat.of().formatHex(noise));
            }
            Restores.Contents source = Restores.Contents.of(redis.commands());
            Path config = Cli.s3Config(dir, s3.endpoint().toString(), "never-overwrite", "");
            Cli.Run backup = Cli.run(ENV, "backup", "run", "--config", config.toString(), "--redis", redis.uri());
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            JsonNode listed = new ObjectMapper()
                    .readTree(Cli.run(ENV, "backup", "list", "--config", config.toString(), "-o", "json")
                            .out())
                    .get(0);
            String object = listed.get("object").asText();
            assertThat(listed.get("storedSize").asLong()).isGreaterThan(8L * MIB);

            try (S3Store store = new S3Store(
                    "never-overwrite",
                    "redis",
                    new S3Settings(
                            s3.endpoint(), "us-east-1", true, S3Server.ACCESS_KEY, S3Server.SECRET_KEY, false, 2))) {
                ObjectWriter second = store.create(object, 20L * MIB);
                byte[] other = new byte[MIB];
                for (int i = 0; i < 20; i++) {
                    random.nextBytes(other);
                    second.write(other);
                }
                Throwable refused = catchThrowable(second::commit);
                assertThat(refused)
                        .isInstanceOf(BackupException.class)
                        .hasMessageContaining("already exists; nothing was overwritten");
            }

            Cli.Run verify = Cli.run(ENV, "backup", "verify", "--config", config.toString(), backup.backupId());
            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(Restores.restoreAndLoad(ENV, config, backup.backupId(), dir.resolve("restored")))
                    .isEqualTo(source);
            try (var client = s3.client()) {
                // The refused upload was aborted, its parts dropped.
                assertThat(client.listMultipartUploads(list -> list.bucket("never-overwrite"))
                                .uploads())
                        .isEmpty();
                assertThat(client.headObject(
                                        head -> head.bucket("never-overwrite").key("redis/" + object))
                                .contentLength())
                        .isEqualTo(listed.get("storedSize").asLong());
            }
        }
    }
}
