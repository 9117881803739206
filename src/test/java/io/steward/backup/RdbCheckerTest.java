package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The streaming RDB check, on files a real redis-server wrote. */
class RdbCheckerTest {

    private static byte[] rdb;

    @BeforeAll
    static void saveARealRdb() throws IOException {
        try (RedisServer server = RedisServer.builder().enableDebugCommand().start()) {
            server.call("DEBUG", "POPULATE", "5000", "key", "100");
            server.commands().rpush("list", "a", "b", "c");
            server.call("SAVE");
            rdb = Files.readAllBytes(server.dir().resolve("dump.rdb"));
        }
    }

    @AfterAll
    static void forget() {
        rdb = null;
    }

    private static RdbDigest check(byte[] bytes, int chunk) {
        RdbChecker checker = new RdbChecker("dump.rdb");
        for (int offset = 0; offset < bytes.length; offset += chunk) {
            checker.update(bytes, offset, Math.min(chunk, bytes.length - offset));
        }
        return checker.finish();
    }

    @Test
    void acceptsAnRdbRedisWroteAndRecordsItsTrailerChecksum() throws Exception {
        RdbDigest digest = check(rdb, 4096);
        assertThat(digest.rdbVersion()).isEqualTo(10); // Redis 7.0
        assertThat(digest.size()).isEqualTo(rdb.length);
        assertThat(digest.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(rdb)));
        StringBuilder trailer = new StringBuilder();
        for (int i = rdb.length - 1; i >= rdb.length - 8; i--) {
            trailer.append(String.format("%02x", rdb[i]));
        }
        assertThat(digest.crc64()).isEqualTo(trailer.toString());
    }

    @Test
    void readsTheSameInAnyChunkSize() {
        assertThat(check(rdb, 1)).isEqualTo(check(rdb, 1 << 20));
    }

    @Test
    void rejectsAFileWithOneByteChanged() {
        byte[] damaged = rdb.clone();
        damaged[damaged.length / 2] ^= 0x01;
        assertThatThrownBy(() -> check(damaged, 4096))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("CRC-64 does not match")
                .extracting(e -> ((BackupException) e).reason())
                .isEqualTo(BackupFailure.RDB_CORRUPT);
    }

    @Test
    void rejectsATruncatedFile() {
        byte[] truncated = Arrays.copyOf(rdb, rdb.length - 100);
        assertThatThrownBy(() -> check(truncated, 4096))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("dump.rdb is not a valid RDB file");
    }

    @Test
    void rejectsSomethingThatIsNotAnRdbAtTheFirstChunk() {
        RdbChecker checker = new RdbChecker("notes.txt");
        byte[] text = "hello, this is not an RDB file at all".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> checker.update(text, 0, text.length))
                .hasMessageContaining("notes.txt is not a valid RDB file: it does not start with the RDB signature");
    }

    @Test
    void rejectsAnRdbVersionNewerThanItKnows() {
        byte[] future = rdb.clone();
        System.arraycopy("REDIS0099".getBytes(StandardCharsets.US_ASCII), 0, future, 0, 9);
        assertThatThrownBy(() -> check(future, 4096))
                .hasMessageContaining("RDB version 99, which this agent does not know");
    }

    @Test
    void acceptsAFileSavedWithChecksumsDisabled() throws IOException {
        try (RedisServer server =
                RedisServer.builder().option("rdbchecksum", "no").start()) {
            server.commands().set("k", "v");
            server.call("SAVE");
            byte[] unchecked = Files.readAllBytes(server.dir().resolve("dump.rdb"));
            assertThat(check(unchecked, 4096).crc64()).isEqualTo("disabled");
        }
    }
}
