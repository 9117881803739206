package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.api.sync.RedisCommands;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Restores a backup as a user would, into a fresh redis-server, and tells what that server then holds. */
final class Restores {

    private static final Pattern KEYSPACE = Pattern.compile("(db\\d+):keys=(\\d+),expires=(\\d+)");

    private Restores() {}

    /**
     * What a server holds: {@code DEBUG DIGEST} over all its data, and keys/expires per database (avg_ttl is an
     * estimate that differs from one INFO to the next).
     */
    record Contents(String digest, Map<String, String> keys) {

        static Contents of(RedisCommands<String, String> redis) {
            Map<String, String> keys = new TreeMap<>();
            Matcher db = KEYSPACE.matcher(redis.info("keyspace"));
            while (db.find()) {
                keys.put(db.group(1), db.group(2) + "/" + db.group(3));
            }
            return new Contents(
                    String.valueOf(RedisServer.call(redis, "DEBUG", "DIGEST").get(0)), Map.copyOf(keys));
        }
    }

    /** Flips a byte in the middle of the one stored object under {@code store}, as bit rot would. */
    static void damageTheStoredObject(Path store) throws IOException {
        Path object;
        try (Stream<Path> files = Files.walk(store)) {
            object = files.filter(p -> p.getFileName().toString().equals("dump.rdb.zst"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(object, bytes);
    }

    /** {@code steward backup restore ID --to-dir DIR}, then a redis-server started on DIR. */
    static Contents restoreAndLoad(Map<String, String> env, Path config, String id, Path dir) {
        Cli.Run restore =
                Cli.run(env, "backup", "restore", "--config", config.toString(), id, "--to-dir", dir.toString());
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        try (RedisServer copy =
                RedisServer.builder().enableDebugCommand().dir(dir).start()) {
            return Contents.of(copy.commands());
        }
    }
}
