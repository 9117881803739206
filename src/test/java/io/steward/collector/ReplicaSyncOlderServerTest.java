package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.steward.testing.FakeRedis;
import io.steward.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A full sync from servers before Redis 7.0, which know no {@code REPLCONF rdb-only} and go on with their write
 * stream after the RDB: the copy holds the RDB's bytes and nothing after them, in both payload shapes. The servers
 * are stand-ins (no package here provides an older Redis) sending a real RDB written by the local redis-server.
 */
class ReplicaSyncOlderServerTest {

    private static final String MARK = "0123456789abcdef0123456789abcdef01234567";
    private static final byte[] WRITE_STREAM = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] rdb;
    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));

    @BeforeAll
    static void writeARealRdb() throws IOException {
        try (RedisServer redis = RedisServer.start()) {
            redis.commands().set("key", "value");
            redis.commands().rpush("list", "a", "b");
            redis.call("SAVE");
            rdb = Files.readAllBytes(redis.dir().resolve("dump.rdb"));
        }
    }

    private static byte[] olderServer(List<String> command, byte[] payload) {
        String name = String.join(" ", command);
        if (name.equals("REPLCONF rdb-only 1")) {
            return "-ERR Unrecognized REPLCONF option: rdb-only\r\n".getBytes(StandardCharsets.US_ASCII);
        }
        if (command.get(0).equals("PSYNC")) {
            return payload;
        }
        return "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] copyFrom(FakeRedis server, ReplicaSync.Handshake[] handshake) throws IOException {
        Target target =
                new Target("old", RedisURI.create("redis://127.0.0.1:" + server.port()), Duration.ofSeconds(15));
        try (ReplicaSync sync = connector.openReplicaSync(target, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            handshake[0] = sync.handshake();
            return sync.rdb().readAllBytes();
        } finally {
            connector.close();
        }
    }

    @Test
    void aDiskBasedSyncEndsAtTheRdbsLengthThoughTheWriteStreamFollows() throws IOException {
        byte[] payload =
                concat(ascii("+FULLRESYNC " + MARK + " 1234\r\n\n\n$" + rdb.length + "\r\n"), rdb, WRITE_STREAM);
        try (FakeRedis server = FakeRedis.answeringBytes(command -> olderServer(command, payload))) {
            ReplicaSync.Handshake[] handshake = new ReplicaSync.Handshake[1];

            byte[] copied = copyFrom(server, handshake);

            assertThat(copied).isEqualTo(rdb);
            assertThat(handshake[0].offset()).isEqualTo(1234);
            assertThat(handshake[0].replicationId()).isEqualTo(MARK);
            assertThat(handshake[0].diskless()).isFalse();
            assertThat(server.received())
                    .extracting(words -> String.join(" ", words))
                    .containsExactly("REPLCONF capa eof", "REPLCONF rdb-only 1", "PSYNC ? -1");
        }
    }

    @Test
    void aDisklessSyncEndsAtItsMarkWhileTheConnectionStaysOpen() throws IOException {
        byte[] payload = concat(ascii("+FULLRESYNC " + MARK + " 77\r\n\n$EOF:" + MARK + "\r\n"), rdb, ascii(MARK));
        try (FakeRedis server = FakeRedis.answeringBytes(command -> olderServer(command, payload))) {
            ReplicaSync.Handshake[] handshake = new ReplicaSync.Handshake[1];

            byte[] copied = copyFrom(server, handshake);

            assertThat(copied).isEqualTo(rdb);
            assertThat(handshake[0].diskless()).isTrue();
            assertThat(handshake[0].offset()).isEqualTo(77);
        }
    }
}
