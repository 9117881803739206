package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes in storage.encryption and storage.s3's server-side encryption: exit 2, the key path with its line, what to
 * do, and never the key itself.
 */
class EncryptionConfigTest {

    /** 16 bytes: a valid base64 text, but half the key a backup needs. */
    private static final String SHORT_KEY = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes());

    private static final String GOOD_KEY =
            Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @TempDir
    Path dir;

    private Cli.Run list(Map<String, String> env, String storage) throws IOException {
        Files.createDirectories(dir.resolve("store"));
        Path config = Files.writeString(
                dir.resolve("steward.yaml"),
                "storage:\n  url: " + dir.resolve("store").toUri() + "\n" + storage);
        return Cli.run(env, "backup", "list", "--config", config.toString());
    }

    private Path keyFile(String content, String permissions) throws IOException {
        Path file = Files.writeString(dir.resolve("backup.key"), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void aKeyOfTheWrongLengthNamesItsVariableAndTheLengthButNotTheKey() throws IOException {
        Cli.Run run = list(Map.of("BACKUP_KEY", SHORT_KEY), "  encryption:\n    key-env: BACKUP_KEY\n");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("steward.yaml:4:5: storage.encryption.key-env (environment variable BACKUP_KEY): the key"
                        + " is 16 bytes, not 32")
                .contains("openssl rand -base64 32")
                .doesNotContain(SHORT_KEY);
    }

    @Test
    void aKeyFileThatIsNotBase64NamesTheFileButNotItsContent() throws IOException {
        Path file = keyFile("this is not a key at all!", "rw-------");

        Cli.Run run = list(Map.of(), "  encryption:\n    key-file: " + file + "\n");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("storage.encryption.key-file (" + file + "): not a base64-encoded key")
                .doesNotContain("not a key at all");
    }

    @Test
    void aKeyFileEveryUserMayReadIsRefused() throws IOException {
        Path file = keyFile(GOOD_KEY, "rw-r--r--");

        Cli.Run run = list(Map.of(), "  encryption:\n    key-file: " + file + "\n");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("storage.encryption.key-file: " + file + " may be read by every user of this host")
                .contains("chmod 600 " + file)
                .doesNotContain(GOOD_KEY);
    }

    @Test
    void aPrivateKeyFileIsAccepted() throws IOException {
        Path file = keyFile(GOOD_KEY + "\n", "rw-------");

        Cli.Run run = list(Map.of(), "  encryption:\n    key-file: " + file + "\n");

        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void aPrivateKeyFileReachedThroughALinkIsAccepted() throws IOException {
        Path file = keyFile(GOOD_KEY + "\n", "r--------");
        Path link = Files.createSymbolicLink(dir.resolve("linked.key"), file);

        Cli.Run run = list(Map.of(), "  encryption:\n    key-file: " + link + "\n");

        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void anEncryptionWithoutOrWithBothKeySourcesSaysWhatToGive() throws IOException {
        Cli.Run neither = list(Map.of(), "  encryption:\n    old-keys: []\n");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("storage.encryption: give one of key-file or key-env");

        Cli.Run both = list(
                Map.of("BACKUP_KEY", GOOD_KEY),
                "  encryption:\n    key-env: BACKUP_KEY\n    key-file: " + keyFile(GOOD_KEY, "rw-------") + "\n");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("storage.encryption: give one of key-file or key-env");
    }

    @Test
    void aBadOldKeyNamesItsPlaceInTheList() throws IOException {
        Cli.Run run = list(
                Map.of("BACKUP_KEY", GOOD_KEY),
                "  encryption:\n    key-env: BACKUP_KEY\n    old-keys:\n      - key-env: OLD_KEY\n");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("storage.encryption.old-keys[0].key-env: environment variable OLD_KEY is not set");
    }

    private Cli.Run s3(String s3) throws IOException {
        Path config = Files.writeString(
                dir.resolve("steward.yaml"),
                "storage:\n  url: s3://backups/redis\n  s3:\n    endpoint: http://127.0.0.1:1\n" + s3);
        return Cli.run(Map.of(), "backup", "list", "--config", config.toString());
    }

    @Test
    void anUnknownServerSideEncryptionIsRefused() throws IOException {
        Cli.Run run = s3("    sse: aes\n");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("steward.yaml:5:5: storage.s3.sse: 'aes' is not AES256 or aws:kms");
    }

    @Test
    void aKmsKeyWithoutAwsKmsIsRefused() throws IOException {
        Cli.Run run = s3("    sse: AES256\n    kms-key-id: alias/backups\n");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("storage.s3.kms-key-id: a KMS key is used only with sse: aws:kms");
    }
}
