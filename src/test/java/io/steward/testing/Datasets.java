package io.steward.testing;

import io.lettuce.core.Consumer;
import io.lettuce.core.SetArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** Data to back up and restore: every type Redis stores, with TTLs, in several databases. Needs the DEBUG command. */
public final class Datasets {

    /** Keys of {@link #everyType} that carry a TTL. */
    public static final List<String> KEYS_WITH_TTL = List.of("expiring", "hash", "big-set", "big-zset");

    private Datasets() {}

    /**
     * Every data type in its encodings (small and large lists, sets, sorted sets and hashes, an intset, a stream with
     * a consumer group and pending entries), TTLs on several keys, values larger than the loader's window, and
     * {@code populate} small keys, all in database 0; with {@code otherDatabases}, keys in databases 1 and 2 too.
     */
    public static void everyType(RedisServer server, int populate, boolean otherDatabases) {
        RedisCommands<String, String> redis = server.commands();
        redis.set("string", "value");
        redis.set("counter", "42");
        redis.set("ключ:unicode", "значение");
        redis.rpush("list", "a", "b", "c");
        redis.rpush(
                "long-list",
                IntStream.range(0, 20_000).mapToObj(i -> "item-" + i).toArray(String[]::new));
        redis.sadd("set", "x", "y", "z");
        redis.sadd("intset", "1", "2", "3", "1000000");
        redis.sadd(
                "big-set",
                IntStream.range(0, 2_000).mapToObj(i -> "member-" + i).toArray(String[]::new));
        redis.zadd("zset", 1.5, "one", 2.5, "two");
        for (int i = 0; i < 1_000; i++) {
            redis.zadd("big-zset", i * 0.5, "member-" + i);
        }
        redis.hset("hash", Map.of("f1", "v1", "f2", "v2"));
        Map<String, String> fields = new TreeMap<>();
        IntStream.range(0, 2_000).forEach(i -> fields.put("field-" + i, "value-" + i));
        redis.hset("big-hash", fields);
        redis.xadd("stream", Map.of("event", "created"));
        redis.xadd("stream", Map.of("event", "updated"));
        redis.xgroupCreate(XReadArgs.StreamOffset.from("stream", "0"), "workers");
        redis.xreadgroup(Consumer.from("workers", "alice"), XReadArgs.StreamOffset.lastConsumed("stream"));
        redis.set("expiring", "soon gone", SetArgs.Builder.ex(3600));
        redis.pexpire("hash", 7_200_000);
        redis.expire("big-set", 86_400);
        redis.expire("big-zset", 100_000);
        // Values larger than the loader's window of 8 MiB together: the window is bounded by bytes, not only commands.
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 6; i++) {
            byte[] noise = new byte[1 << 20];
            random.nextBytes(noise);
            redis.set("noise:" + i, HexFormat.of().formatHex(noise));
        }
        server.call("DEBUG", "POPULATE", String.valueOf(populate), "key", "64");
        if (otherDatabases) {
            for (int db = 1; db <= 2; db++) {
                server.call("SELECT", String.valueOf(db));
                server.call("DEBUG", "POPULATE", String.valueOf(1000 * db), "db" + db, "32");
                redis.set("only-in-db" + db, "yes", SetArgs.Builder.ex(5000));
            }
            server.call("SELECT", "0");
        }
    }
}
