package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.testing.S3Server;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What both stores promise: nothing visible before commit, nothing ever overwritten. */
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
}
