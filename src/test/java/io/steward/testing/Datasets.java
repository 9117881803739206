package io.steward.testing;

import io.lettuce.core.SetArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;

/** Data to back up: every type Redis stores, with TTLs, in several databases. Needs the DEBUG command. */
public final class Datasets {

    private Datasets() {}

    /** Every data type in db 0, keys with TTLs, {@code bulk} small keys, and keys in db 1 and 2. */
    public static void everyType(RedisServer server, int bulk) {
        RedisCommands<String, String> redis = server.commands();
        redis.set("string", "value");
        redis.set("counter", "42");
        redis.rpush("list", "a", "b", "c");
        redis.sadd("set", "x", "y", "z");
        redis.sadd("intset", "1", "2", "3");
        redis.zadd("zset", 1.5, "one", 2.5, "two");
        redis.hset("hash", Map.of("f1", "v1", "f2", "v2"));
        redis.xadd("stream", Map.of("event", "created"));
        redis.xadd("stream", Map.of("event", "updated"));
        redis.xgroupCreate(XReadArgs.StreamOffset.from("stream", "0"), "workers");
        redis.set("expiring", "soon gone", SetArgs.Builder.ex(3600));
        redis.pexpire("hash", 7_200_000);
        redis.set("large", "x".repeat(300_000));
        for (int i = 0; i < 200; i++) {
            redis.rpush("biglist", "element-" + i + "-" + "y".repeat(100));
            redis.hset("bighash", "field-" + i, "z".repeat(100));
            redis.zadd("bigzset", i, "member-" + i + "-" + "w".repeat(80));
        }
        server.call("DEBUG", "POPULATE", String.valueOf(bulk), "bulk", "64");
        for (int db = 1; db <= 2; db++) {
            server.call("SELECT", String.valueOf(db));
            server.call("DEBUG", "POPULATE", String.valueOf(1000 * db), "db" + db, "32");
            redis.set("only-in-db" + db, "yes");
            redis.set("expiring-in-db" + db, "later", SetArgs.Builder.ex(5000));
        }
        server.call("SELECT", "0");
    }
}
