package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the keys per database of an RDB as it streams to the store, on a thread of its own (values skipped), so a
 * backup's manifest records what its RDB holds. {@code INFO keyspace} after the save would not do: a server written
 * to during the backup has other keys by then, and a restore drill comparing the two would fail a good backup.
 *
 * <p>At most {@link #QUEUED} chunks wait for the counter: a slow count slows the copy rather than filling the heap. A
 * count that fails (an RDB the reader does not know) gives nothing and never fails the backup.
 */
final class RdbKeyCount implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RdbKeyCount.class);
    private static final int QUEUED = 4;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(QUEUED);
    private final Map<String, Long> counts = new TreeMap<>();
    private final Thread counter;
    private volatile boolean failed;

    RdbKeyCount(String what) {
        this.counter = new Thread(() -> count(what), "steward-rdb-key-count");
        counter.setDaemon(true);
        counter.start();
    }

    /** Hands on a copy of the next bytes of the RDB. */
    void accept(byte[] buffer, int offset, int length) {
        if (failed || length == 0) {
            return;
        }
        byte[] copy = new byte[length];
        System.arraycopy(buffer, offset, copy, 0, length);
        put(copy);
    }

    /** The keys per database ({@code db0} -> count), once the whole RDB was handed on; empty if it could not count. */
    Optional<Map<String, Long>> finish() {
        put(END);
        try {
            counter.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (failed || counter.isAlive()) {
            return Optional.empty();
        }
        synchronized (counts) {
            return Optional.of(Map.copyOf(counts));
        }
    }

    private void put(byte[] chunk) {
        try {
            while (!failed && !chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                // the counter is behind: wait for it, unless it gave up
            }
        } catch (InterruptedException interrupted) {
            failed = true;
            Thread.currentThread().interrupt();
        }
    }

    private void count(String what) {
        try (ChunkStream rdb = new ChunkStream()) {
            RdbKeys.read(rdb, RdbKeys.Values.SKIPPED, key -> {
                synchronized (counts) {
                    counts.merge("db" + key.db(), 1L, Long::sum);
                }
            });
            rdb.drain(); // the trailer after the EOF opcode, to the end marker
        } catch (IOException | RuntimeException unreadable) {
            logger.info(
                    "the keys of {} are not counted ({}): the manifest records INFO keyspace's",
                    what,
                    unreadable.getMessage());
            failed = true;
            chunks.clear();
        }
    }

    /** Stops counting: the copy ended without the whole RDB. */
    @Override
    public void close() {
        failed = true;
        chunks.clear();
        counter.interrupt();
    }

    /** The chunks as one stream, to the end marker. */
    private final class ChunkStream extends InputStream {
        void drain() throws IOException {
            byte[] rest = new byte[8192];
            while (read(rest, 0, rest.length) >= 0) {
                // read to the end marker, so the copy never waits on a counter that is done
            }
        }

        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (position == current.length) {
                if (ended) {
                    return -1;
                }
                try {
                    current = chunks.take();
                } catch (InterruptedException interrupted) {
                    throw new IOException("the count was stopped");
                }
                position = 0;
                if (current == END) {
                    ended = true;
                }
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, into, offset, n);
            position += n;
            return n;
        }
    }
}
