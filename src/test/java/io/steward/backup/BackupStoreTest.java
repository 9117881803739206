package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.steward.testing.ReadOnlyDirectory;
import io.steward.testing.S3Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What both stores promise: nothing visible before commit, nothing ever overwritten, and a write check that fails
 * before a backup begins on a store that could not take it.
 */
class BackupStoreTest {

    private static S3Server s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() {
        s3 = S3Server.start();
        s3.createBucket("store-test");
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    private BackupStore store(String kind) {
        return kind.equals("s3")
                ? new S3Store(
                        "store-test",
                        dir.getFileName().toString(),
                        new S3Settings(
                                s3.endpoint(), "us-east-1", true, S3Server.ACCESS_KEY, S3Server.SECRET_KEY, false, 2))
                : new FileStore(dir.resolve("store"));
    }

    private static String read(BackupStore store, String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void anExistingObjectIsNeverOverwritten(String kind) throws IOException {
        try (BackupStore store = store(kind)) {
            store.createSmall("t/20261121T000000Z-00000001/manifest.json", "first".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> store.createSmall(
                            "t/20261121T000000Z-00000001/manifest.json", "second".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("already exists; nothing was overwritten");
            assertThat(read(store, "t/20261121T000000Z-00000001/manifest.json")).isEqualTo("first");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void anObjectAppearsOnlyWhenCommittedAndAnAbortLeavesNothing(String kind) throws IOException {
        try (BackupStore store = store(kind)) {
            ObjectWriter writer = store.create("t/20261121T000000Z-00000002/dump.rdb", 100);
            writer.write(new byte[] {1, 2, 3});
            assertThatThrownBy(() -> store.open("t/20261121T000000Z-00000002/dump.rdb"))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("is missing from the store");
            writer.commit();
            assertThat(store.list("t/"))
                    .extracting(StoredObject::key)
                    .containsExactly("t/20261121T000000Z-00000002/dump.rdb");

            ObjectWriter dropped = store.create("t/20261121T000000Z-00000003/dump.rdb", 100);
            dropped.write(new byte[] {4, 5, 6});
            dropped.abort();
            assertThat(store.list("t/"))
                    .extracting(StoredObject::key)
                    .containsExactly("t/20261121T000000Z-00000002/dump.rdb");
            store.delete(List.of("t/20261121T000000Z-00000002/dump.rdb"));
            assertThat(store.list("t/")).isEmpty();
        }
    }

    private static S3Store s3Store(URI endpoint, String bucket, String secretKey) {
        return new S3Store(
                bucket, "redis", new S3Settings(endpoint, "us-east-1", true, S3Server.ACCESS_KEY, secretKey, false, 2));
    }

    private static BackupException writeCheckFailure(BackupStore store) {
        try (store) {
            return catchThrowableOfType(BackupException.class, store::checkWritable);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "file"})
    void theWriteCheckPassesOnAWritableStoreAndLeavesNothingBehind(String kind) {
        try (BackupStore store = store(kind)) {
            store.checkWritable();
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void aStoreDirectoryNotYetThereIsWritableWhenItsParentIsAndTheCheckCreatesNothing() {
        Path store = dir.resolve("not-yet/backups/redis");
        try (FileStore files = new FileStore(store)) {
            files.checkWritable();
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aStoreDirectoryThatRefusesNewFilesFailsTheWriteCheck() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(store)) {
            BackupException failure = writeCheckFailure(new FileStore(store));
            assertThat(failure.reason()).isEqualTo(BackupFailure.STORE_AUTH);
            assertThat(failure.getMessage())
                    .startsWith("cannot write to the store directory " + store + ": ")
                    .contains("check its permissions for the user the agent runs as");
        }
        assertThat(store).isEmptyDirectory();
    }

    @Test
    void aStoreDirectoryThatCannotBeCreatedFailsTheWriteCheckNamingWhere() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("backups"));
        Path store = parent.resolve("missing/redis");
        try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(parent)) {
            BackupException failure = writeCheckFailure(new FileStore(store));
            assertThat(failure.reason()).isEqualTo(BackupFailure.STORE_AUTH);
            assertThat(failure.getMessage())
                    .startsWith("cannot write to " + parent + ", where the store directory " + store
                            + " would be created: ");
        }
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void aStorePathThroughAFileFailsTheWriteCheck() throws IOException {
        Path file = Files.writeString(dir.resolve("backups"), "a file");
        BackupException failure = writeCheckFailure(new FileStore(file.resolve("redis")));
        assertThat(failure.reason()).isEqualTo(BackupFailure.STORE_ERROR);
        assertThat(failure.getMessage()).contains(file + " is not a directory");
    }

    @Test
    void aBucketThatDoesNotExistFailsTheWriteCheck() {
        BackupException failure = writeCheckFailure(s3Store(s3.endpoint(), "no-such-bucket", S3Server.SECRET_KEY));
        assertThat(failure.reason()).isEqualTo(BackupFailure.STORE_BUCKET);
        assertThat(failure.getMessage()).contains("the bucket of s3://no-such-bucket/redis does not exist");
    }

    @Test
    void aWrongSecretKeyFailsTheWriteCheckWithoutShowingIt() {
        String wrong = "not-the-secret-key-0123456789";
        BackupException failure = writeCheckFailure(s3Store(s3.endpoint(), "store-test", wrong));
        assertThat(failure.reason()).isEqualTo(BackupFailure.STORE_AUTH);
        assertThat(failure.getMessage())
                .contains("s3://store-test/redis refused the credentials while checking the bucket")
                .doesNotContain(wrong)
                .doesNotContain(S3Server.SECRET_KEY);
    }

    @Test
    void aCredentialThatMayOnlyReadFailsTheWriteCheck() {
        try (S3Server readOnly = S3Server.startReadOnly()) {
            readOnly.createBucket("read-only");
            BackupException failure = writeCheckFailure(s3Store(readOnly.endpoint(), "read-only", S3Server.SECRET_KEY));
            assertThat(failure.reason()).isEqualTo(BackupFailure.STORE_AUTH);
            assertThat(failure.getMessage())
                    .contains("s3://read-only/redis denied access while writing the test object .steward-write-check")
                    .contains("s3:PutObject");
        }
    }

    @Test
    void aCredentialThatMayWriteButNotDeletePassesTheWriteCheckLeavingOneTestObject() {
        try (S3Server withoutDelete = S3Server.startWithoutDelete();
                BackupStore store = s3Store(withoutDelete.endpoint(), "no-delete", S3Server.SECRET_KEY)) {
            withoutDelete.createBucket("no-delete");
            store.checkWritable();
            store.checkWritable();
            assertThat(store.list("")).extracting(StoredObject::key).containsExactly(".steward-write-check");
        }
    }

    @Test
    void aStoreThatIsNotThereFailsTheWriteCheckAsUnreachable() {
        S3Server stopped = S3Server.start();
        stopped.close();
        BackupException failure = writeCheckFailure(s3Store(stopped.endpoint(), "store-test", S3Server.SECRET_KEY));
        assertThat(failure.reason()).isEqualTo(BackupFailure.STORE_UNREACHABLE);
        assertThat(failure.getMessage()).contains("cannot reach s3://store-test/redis");
    }
}
