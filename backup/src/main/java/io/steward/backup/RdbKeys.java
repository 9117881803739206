package io.steward.backup;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisRdbReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.rdb.datatype.ExpiredType;
import com.moilioncircle.redis.replicator.rdb.dump.DumpRdbVisitor;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpFunction;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbValueVisitor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Reads an RDB stream key by key with redis-replicator, each value handed on as a {@code DUMP} payload (the value's
 * RDB encoding as the file holds it, then the file's RDB version and a CRC-64), ready for {@code RESTORE}. One key
 * is in memory at a time.
 */
final class RdbKeys {

    /** The newest RDB version redis-replicator 3.8.1 reads: 11, Redis 7.2's (7.0 writes 10, 7.4 and later 12). */
    static final int NEWEST_VERSION = 11;

    /**
     * The first buffer of each payload (it grows in chunks of this size). The library's default, 8 KiB, is allocated
     * for every key: most keys are far smaller.
     */
    private static final int PAYLOAD_CHUNK = 512;

    /** Whether the values are wanted, or only the keys (read past their values, about twice as fast). */
    enum Values {
        DUMPED,
        SKIPPED
    }

    /**
     * One key of the RDB. The arrays are the reader's own, handed over: nothing else holds them.
     *
     * @param expireAtMillis Unix time in milliseconds, 0 for a key without a TTL
     * @param payload null when the values were {@link Values#SKIPPED}
     */
    record Key(int db, byte[] name, long expireAtMillis, byte[] payload) {}

    /** What the RDB held besides keys. */
    record Extras(long functionLibraries) {}

    private RdbKeys() {}

    /**
     * Hands every key of the RDB to {@code each}, in file order, on this thread, with its value or without. An exception thrown by {@code each}
     * stops the reading and is thrown from here. The stream is read up to the RDB's EOF opcode and left open: its
     * trailer is the caller's to read and check.
     *
     * @throws IOException the stream failed, or the RDB is not one the reader understands
     */
    static Extras read(InputStream rdb, Values values, Consumer<Key> each) throws IOException {
        Replicator replicator = new RedisRdbReplicator(kept(rdb), Configuration.defaultSetting());
        // -1: each payload carries the RDB version of the file, as DUMP on the source server would have.
        replicator.setRdbVisitor(
                values == Values.DUMPED
                        ? new DumpRdbVisitor(replicator, -1, PAYLOAD_CHUNK)
                        : new DumpRdbVisitor(replicator, new SkipRdbValueVisitor(replicator)));
        Throwable[] stopped = {null};
        long[] functions = {0};
        // The replicator passes a listener's exceptions to its exception listeners and reads on: the first is kept
        // here, and closing the replicator makes it stop before the next key.
        replicator.addEventListener((source, event) -> {
            if (stopped[0] != null) {
                return;
            }
            try {
                if (event instanceof DumpKeyValuePair pair) {
                    each.accept(key(pair));
                } else if (event instanceof DumpFunction) {
                    functions[0]++;
                }
            } catch (RuntimeException | Error failure) {
                stopped[0] = failure;
                closeQuietly(source);
            }
        });
        try {
            replicator.open();
        } catch (RuntimeException | AssertionError | OutOfMemoryError unreadable) {
            // An unknown value type (an AssertionError there) or RDB version, or a damaged length that asked for an
            // array no heap has: nothing of it stays allocated.
            throw new IOException(unreadable.getMessage() == null ? unreadable.toString() : unreadable.getMessage());
        }
        if (stopped[0] instanceof RuntimeException failure) {
            throw failure;
        }
        if (stopped[0] instanceof Error failure) {
            throw failure;
        }
        return new Extras(functions[0]);
    }

    private static Key key(DumpKeyValuePair pair) {
        Long expire = pair.getExpiredValue();
        long expireAt = pair.getExpiredType() == ExpiredType.NONE || expire == null
                ? 0
                : pair.getExpiredType() == ExpiredType.SECOND ? expire * 1000 : expire;
        // A key before any SELECTDB is database 0's, as Redis loads it.
        int db = pair.getDb() == null ? 0 : (int) pair.getDb().getDbNumber();
        return new Key(db, pair.getKey(), expireAt, pair.getValue());
    }

    /** The replicator closes its input when done; the caller still has the trailer to read. */
    private static InputStream kept(InputStream rdb) {
        return new FilterInputStream(rdb) {
            @Override
            public void close() {}
        };
    }

    private static void closeQuietly(Replicator replicator) {
        try {
            replicator.close();
        } catch (IOException ignored) {
            // closing only marks it stopping
        }
    }
}
