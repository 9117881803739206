package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.steward.backup.BackupKey;
import io.steward.testing.Datasets;
import io.steward.testing.RecordedRequests;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import io.steward.testing.TcpRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Backups encrypted with a key of the user's (storage.encryption) into S3Proxy, from a real redis-server: they round
 * trip through list, verify, restore --to-dir, restore --to and a drill with the key; without it, with another key or
 * with a byte changed in the store they fail clearly and write nothing; unencrypted backups still restore; and keys
 * rotate.
 */
class EncryptedBackupTest {

    private static final String BUCKET = "encrypted";
    /** A value the source holds, which must not be readable in the store. */
    private static final String MARKER = "plaintext-marker-that-must-not-reach-the-store-";

    private static final String KEY_A = newKey();
    private static final String KEY_B = newKey();

    private static RedisServer source;
    private static S3Server s3;
    private static Restores.Contents sourceContents;

    @TempDir
    Path dir;

    @BeforeAll
    static void fillAServer() {
        source = RedisServer.builder().enableDebugCommand().start();
        Datasets.everyType(source, 2_000, true);
        for (int i = 0; i < 100; i++) {
            source.commands().set("marker:" + i, MARKER + i);
        }
        sourceContents = Restores.Contents.of(source.commands());
        s3 = S3Server.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        s3.close();
        source.close();
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String idOf(String key) {
        return new BackupKey(Base64.getDecoder().decode(key), "test").id();
    }

    private static Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>();
        env.put(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY);
        env.put(Cli.SECRET_VARIABLE, S3Server.SECRET_KEY);
        env.put("PATH", System.getenv("PATH"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private Path keyFile(String name, String key) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, key + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** A config whose backups go to {@code s3://encrypted/<prefix>}, with more YAML under {@code storage:}. */
    private Path config(String prefix, String storage) throws IOException {
        Path file = Files.createTempFile(dir, "steward-", ".yaml");
        Files.writeString(
                file,
                "storage:\n"
                        + "  url: s3://" + BUCKET + "/" + prefix + "\n"
                        + "  s3:\n"
                        + "    endpoint: " + s3.endpoint() + "\n"
                        + "    access-key-env: " + Cli.KEY_VARIABLE + "\n"
                        + "    secret-key-env: " + Cli.SECRET_VARIABLE + "\n"
                        + "    max-attempts: 2\n"
                        + storage);
        return file;
    }

    private Path encrypted(String prefix, Path keyFile) throws IOException {
        return config(prefix, "  encryption:\n    key-file: " + keyFile + "\n");
    }

    private static String backUp(Map<String, String> env, Path config) {
        Cli.Run backup = Cli.run(env, "backup", "run", "--config", config.toString(), "--redis", source.uri());
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        return backup.backupId();
    }

    /** The key in the bucket of one object of backup {@code id}, wherever the target's directory is. */
    private static String objectKey(String prefix, String id, String name) {
        try (S3Client client = s3.client()) {
            return client.listObjectsV2Paginator(list -> list.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
                    .map(software.amazon.awssdk.services.s3.model.S3Object::key)
                    .filter(key -> key.endsWith("/" + id + "/" + name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " of backup " + id + " under " + prefix));
        }
    }

    private static byte[] stored(String key) {
        try (S3Client client = s3.client()) {
            return client.getObjectAsBytes(get -> get.bucket(BUCKET).key(key)).asByteArray();
        }
    }

    private static void replace(String key, byte[] content) {
        try (S3Client client = s3.client()) {
            client.putObject(put -> put.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
        }
    }

    private static Cli.Run restoreToDir(Map<String, String> env, Path config, String id, Path to) {
        return Cli.run(env, "backup", "restore", "--config", config.toString(), id, "--to-dir", to.toString());
    }

    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"key-file", "key-env"})
    void anEncryptedBackupRoundTripsThroughListVerifyRestoreAndDrill(String given) throws Exception {
        String prefix = "round-trip-" + given;
        Map<String, String> env = env("BACKUP_KEY", KEY_A, "TMPDIR", dir.toString());
        Path config = given.equals("key-file")
                ? encrypted(prefix, keyFile("a.key", KEY_A))
                : config(prefix, "  encryption:\n    key-env: BACKUP_KEY\n");

        String id = backUp(env, config);

        byte[] object = stored(objectKey(prefix, id, "dump.rdb.zst"));
        assertThat(java.util.Arrays.copyOf(object, 4))
                .as("a zstd frame's magic number")
                .isNotEqualTo(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});
        assertThat(new String(object, StandardCharsets.ISO_8859_1)).doesNotContain(MARKER);
        byte[] manifestBytes = stored(objectKey(prefix, id, "manifest.json"));
        JsonNode manifest = new ObjectMapper().readTree(manifestBytes);
        assertThat(manifest.at("/stored/encryption/scheme").asText()).isEqualTo("tink-aes256-gcm-hkdf-1mb");
        assertThat(manifest.at("/stored/encryption/keyId").asText()).isEqualTo(idOf(KEY_A));
        assertThat(manifest.at("/stored/size").asLong()).isEqualTo(object.length);
        assertThat(new String(manifestBytes, StandardCharsets.UTF_8))
                .doesNotContain(KEY_A)
                .doesNotContain(KEY_A.substring(0, 12));

        Cli.Run list = Cli.run(env, "backup", "list", "--config", config.toString(), "-o", "json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode listed = new ObjectMapper().readTree(list.out()).get(0);
        assertThat(listed.get("id").asText()).isEqualTo(id);
        assertThat(listed.get("keyId").asText()).isEqualTo(idOf(KEY_A));

        Cli.Run verify = Cli.run(env, "backup", "verify", "--config", config.toString(), id);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("backup " + id + " of 127.0.0.1:" + source.port() + " verified");

        assertThat(Restores.restoreAndLoad(env, config, id, dir.resolve("restored")))
                .isEqualTo(sourceContents);

        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            Cli.Run live = Cli.run(env, "backup", "restore", "--config", config.toString(), id, "--to", target.uri());
            assertThat(live.exitCode()).as(live.err()).isZero();
            assertThat(Restores.Contents.of(target.commands())).isEqualTo(sourceContents);
        }

        Cli.Run drill = Cli.run(env, "backup", "drill", "--config", config.toString(), id);
        assertThat(drill.exitCode()).as(drill.out() + drill.err()).isZero();
        assertThat(drill.out()).contains("PASSED");
        assertThat(list.out() + verify.out() + verify.err() + drill.out() + drill.err())
                .doesNotContain(KEY_A);
    }

    @Test
    void withoutTheKeyVerifyAndRestoreFailWithExit2NamingTheKeyIdAndWriteNothing() throws Exception {
        String id = backUp(env(), encrypted("no-key", keyFile("a.key", KEY_A)));
        Path plain = config("no-key", "");

        Cli.Run verify = Cli.run(env(), "backup", "verify", "--config", plain.toString(), id);
        assertThat(verify.exitCode()).isEqualTo(2);
        assertThat(verify.err())
                .contains("backup " + id)
                .contains("encrypted under key id " + idOf(KEY_A))
                .contains("no encryption key is configured: set storage.encryption");

        Path to = dir.resolve("restored");
        Cli.Run restore = restoreToDir(env(), plain, id, to);
        assertThat(restore.exitCode()).isEqualTo(2);
        assertThat(restore.err()).contains("key id " + idOf(KEY_A)).contains("nothing was read or written");
        assertThat(filesIn(to)).isEmpty();

        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            Cli.Run live = Cli.run(env(), "backup", "restore", "--config", plain.toString(), id, "--to", target.uri());
            assertThat(live.exitCode()).isEqualTo(2);
            assertThat(live.err()).contains("key id " + idOf(KEY_A));
            assertThat(target.commands().dbsize()).isZero();
        }

        Cli.Run drill = Cli.run(env("TMPDIR", dir.toString()), "backup", "drill", "--config", plain.toString(), id);
        assertThat(drill.exitCode()).as(drill.out() + drill.err()).isEqualTo(2);
        assertThat(drill.out()).contains("FAILED (key-missing): ").contains("key id " + idOf(KEY_A));
    }

    @Test
    void withAnotherKeyVerifyAndRestoreFailNamingTheKeyIdToAddToOldKeysAndWriteNothing() throws Exception {
        String id = backUp(env(), encrypted("wrong-key", keyFile("a.key", KEY_A)));
        Path other = encrypted("wrong-key", keyFile("b.key", KEY_B));

        Cli.Run verify = Cli.run(env(), "backup", "verify", "--config", other.toString(), id);
        assertThat(verify.exitCode()).isEqualTo(2);
        assertThat(verify.err())
                .contains("encrypted under key id " + idOf(KEY_A))
                .contains(idOf(KEY_B) + " (current)")
                .contains("add the key it was taken with to storage.encryption.old-keys");

        Path to = dir.resolve("restored");
        Cli.Run restore = restoreToDir(env(), other, id, to);
        assertThat(restore.exitCode()).isEqualTo(2);
        assertThat(filesIn(to)).isEmpty();
        assertThat(verify.err() + restore.err()).doesNotContain(KEY_A).doesNotContain(KEY_B);
    }

    @Test
    void aByteChangedInTheStoreFailsAuthenticationWithExit1AndNothingIsWritten() throws Exception {
        Path config = encrypted("tampered", keyFile("a.key", KEY_A));
        String id = backUp(env(), config);
        String key = objectKey("tampered", id, "dump.rdb.zst");
        byte[] object = stored(key);
        object[object.length / 2] ^= 0x01;
        replace(key, object);

        Cli.Run verify = Cli.run(env(), "backup", "verify", "--config", config.toString(), id);
        assertThat(verify.exitCode()).as(verify.err()).isEqualTo(1);
        assertThat(verify.err()).contains("failed authentication").contains("was altered in the store");

        Path to = dir.resolve("restored");
        Cli.Run restore = restoreToDir(env(), config, id, to);
        assertThat(restore.exitCode()).as(restore.err()).isEqualTo(1);
        assertThat(restore.err()).contains("failed authentication");
        assertThat(filesIn(to)).isEmpty();

        try (RedisServer target = RedisServer.builder().enableDebugCommand().start()) {
            Cli.Run live = Cli.run(env(), "backup", "restore", "--config", config.toString(), id, "--to", target.uri());
            assertThat(live.exitCode()).as(live.err()).isEqualTo(1);
            assertThat(live.err()).contains("failed authentication");
            assertThat(target.commands().dbsize())
                    .as("keys loaded before the object was authenticated")
                    .isZero();
        }
    }

    @Test
    void anObjectMovedIntoAnotherBackupFailsAuthenticationEvenWithAManifestThatMatchesIt() throws Exception {
        Path config = encrypted("moved", keyFile("a.key", KEY_A));
        String first = backUp(env(), config);
        String second = backUp(env(), config);
        byte[] object = stored(objectKey("moved", first, "dump.rdb.zst"));
        ObjectMapper json = new ObjectMapper();
        JsonNode firstManifest = json.readTree(stored(objectKey("moved", first, "manifest.json")));
        ObjectNode secondManifest = (ObjectNode) json.readTree(stored(objectKey("moved", second, "manifest.json")));
        // The first backup's object under the second's name, the second's manifest describing it exactly.
        secondManifest.set("stored", firstManifest.get("stored").deepCopy());
        ((ObjectNode) secondManifest.get("stored"))
                .put("object", objectKey("moved", second, "dump.rdb.zst").substring("moved/".length()));
        secondManifest.set("rdb", firstManifest.get("rdb"));
        replace(objectKey("moved", second, "dump.rdb.zst"), object);
        replace(objectKey("moved", second, "manifest.json"), json.writeValueAsBytes(secondManifest));

        Cli.Run verify = Cli.run(env(), "backup", "verify", "--config", config.toString(), second);

        assertThat(verify.exitCode()).as(verify.err()).isEqualTo(1);
        assertThat(verify.err()).contains("failed authentication").contains("moved from another backup");
    }

    @Test
    void storageS3SseAndKmsKeyIdFromTheConfigGoOnTheWireWithEveryObjectOfAnEncryptedBackup() throws Exception {
        try (TcpRelay relay = TcpRelay.recordingTo(s3.endpoint().getPort())) {
            Path config = Files.writeString(
                    dir.resolve("sse.yaml"),
                    "storage:\n"
                            + "  url: s3://" + BUCKET + "/sse\n"
                            + "  s3:\n"
                            + "    endpoint: " + relay.endpoint() + "\n"
                            + "    access-key-env: " + Cli.KEY_VARIABLE + "\n"
                            + "    secret-key-env: " + Cli.SECRET_VARIABLE + "\n"
                            + "    sse: aws:kms\n"
                            + "    kms-key-id: alias/redis-backups\n"
                            + "  encryption:\n"
                            + "    key-file: " + keyFile("a.key", KEY_A) + "\n");

            backUp(env(), config);

            List<RecordedRequests.Request> creating = RecordedRequests.of(relay).stream()
                    .filter(RecordedRequests.Request::createsAnObject)
                    .toList();
            assertThat(creating)
                    .extracting(RecordedRequests.Request::target)
                    .anyMatch(target -> target.endsWith("/dump.rdb.zst"))
                    .anyMatch(target -> target.endsWith("/manifest.json"));
            assertThat(creating)
                    .allMatch(request -> request.has("x-amz-server-side-encryption", "aws:kms")
                            && request.has("x-amz-server-side-encryption-aws-kms-key-id", "alias/redis-backups"));
        }
    }

    @Test
    void backupsTakenBeforeEncryptionWasSwitchedOnStillRestore() throws Exception {
        String id = backUp(env(), config("switched-on", ""));
        Path now = encrypted("switched-on", keyFile("a.key", KEY_A));

        Cli.Run verify = Cli.run(env(), "backup", "verify", "--config", now.toString(), id);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(Restores.restoreAndLoad(env(), now, id, dir.resolve("restored")))
                .isEqualTo(sourceContents);
        String encryptedId = backUp(env(), now);
        assertThat(new ObjectMapper()
                        .readTree(stored(objectKey("switched-on", encryptedId, "manifest.json")))
                        .at("/stored/encryption/keyId")
                        .asText())
                .isEqualTo(idOf(KEY_A));
    }

    @Test
    void afterRotationABackupUnderTheOldKeyRestoresWhileItIsInOldKeysAndNotOnceItIsRemoved() throws Exception {
        Path keyA = keyFile("a.key", KEY_A);
        String underA = backUp(env(), encrypted("rotation", keyA));
        Path rotated = config(
                "rotation", "  encryption:\n    key-env: KEY_B\n    old-keys:\n      - key-file: " + keyA + "\n");
        Map<String, String> env = env("KEY_B", KEY_B);

        assertThat(Restores.restoreAndLoad(env, rotated, underA, dir.resolve("restored")))
                .isEqualTo(sourceContents);
        String underB = backUp(env, rotated);
        assertThat(new ObjectMapper()
                        .readTree(stored(objectKey("rotation", underB, "manifest.json")))
                        .at("/stored/encryption/keyId")
                        .asText())
                .isEqualTo(idOf(KEY_B));

        Path withoutA = config("rotation", "  encryption:\n    key-env: KEY_B\n");
        Cli.Run verifyB = Cli.run(env, "backup", "verify", "--config", withoutA.toString(), underB);
        assertThat(verifyB.exitCode()).as(verifyB.err()).isZero();
        Cli.Run verifyA = Cli.run(env, "backup", "verify", "--config", withoutA.toString(), underA);
        assertThat(verifyA.exitCode()).isEqualTo(2);
        assertThat(verifyA.err()).contains("key id " + idOf(KEY_A)).contains("storage.encryption.old-keys");
    }
}
