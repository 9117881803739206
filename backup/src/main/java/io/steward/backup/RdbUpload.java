package io.steward.backup;

import io.steward.collector.RootCause;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Streams one RDB in a single pass through the checks (header, CRC-64, SHA-256), compression, encryption (when a key
 * is configured) and the store, a chunk at a time; the stored size and SHA-256 are of the bytes in the store. The object is committed only when the RDB verified; any failure aborts it, so nothing is left.
 */
final class RdbUpload {

    private static final int CHUNK = 1 << 20;

    /** What was stored: the RDB's digest, and the stored object's size and SHA-256. */
    /** @param keys the keys per database counted in the RDB as it streamed; empty when not counted */
    record Result(RdbDigest rdb, long storedSize, String storedSha256, Optional<Map<String, Long>> keys) {}

    /** Reading the RDB failed (the file, or the connection it arrives on), as opposed to writing the store. */
    static final class SourceFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long bytesRead;

        SourceFailure(IOException cause, long bytesRead) {
            super(cause.getMessage(), cause);
            this.bytesRead = bytesRead;
        }

        long bytesRead() {
            return bytesRead;
        }
    }

    private final BackupStore store;
    private final Compression compression;
    private final BackupKeys keys;

    RdbUpload(BackupStore store, Compression compression, BackupKeys keys) {
        this.store = store;
        this.compression = compression;
        this.keys = keys;
    }

    /**
     * @param expectedSize the RDB's size when known, else an upper estimate (it only chooses part sizes)
     * @param knownSize whether {@code expectedSize} is exact, so progress can show a fraction
     * @param what the RDB's origin, for messages
     */
    Result upload(
            InputStream rdb,
            long expectedSize,
            boolean knownSize,
            String what,
            String key,
            boolean countKeys,
            Progress progress) {
        RdbChecker checker = new RdbChecker(what);
        ObjectWriter writer = store.create(key, expectedSize);
        Optional<RdbKeyCount> count = countKeys ? Optional.of(new RdbKeyCount(what)) : Optional.empty();
        try {
            DigestingOutputStream stored = new DigestingOutputStream(writer);
            // Closed in reverse: zstd ends its frame, then the cipher writes its last, authenticated segment.
            try (OutputStream sealed = keys.encrypt(stored, key);
                    OutputStream compressed = compression.compress(sealed)) {
                byte[] buffer = new byte[CHUNK];
                for (int n; (n = read(rdb, buffer, checker.size())) >= 0; ) {
                    checker.update(buffer, 0, n);
                    int length = n;
                    count.ifPresent(counter -> counter.accept(buffer, 0, length));
                    compressed.write(buffer, 0, n);
                    progress.update(Progress.Phase.UPLOADING, checker.size(), knownSize ? expectedSize : 0);
                }
            }
            RdbDigest digest = checker.finish();
            Optional<Map<String, Long>> keys = count.flatMap(RdbKeyCount::finish);
            writer.commit();
            return new Result(digest, stored.count(), stored.sha256(), keys);
        } catch (BackupException | SourceFailure failure) {
            writer.abort();
            count.ifPresent(RdbKeyCount::close);
            throw failure;
        } catch (IOException | RuntimeException failure) {
            writer.abort();
            count.ifPresent(RdbKeyCount::close);
            throw new BackupException(
                    BackupFailure.STORE_ERROR,
                    "writing the backup to " + store.location() + " failed: " + RootCause.message(failure)
                            + "; nothing was stored",
                    failure);
        }
    }

    private static int read(InputStream rdb, byte[] buffer, long sofar) {
        try {
            // Whole chunks: fewer, larger writes into zstd and the store than a socket's reads would give.
            int n = rdb.readNBytes(buffer, 0, buffer.length);
            return n == 0 ? -1 : n;
        } catch (IOException failure) {
            if (interrupted(failure)) {
                // The agent is stopping: its store aborts the upload; the RDB itself is fine.
                throw new BackupException(
                        BackupFailure.STORE_ERROR,
                        "the backup was interrupted: the agent is stopping; nothing was stored");
            }
            throw new SourceFailure(failure, sofar);
        }
    }

    /** A read cut short by the thread's interrupt; a socket's read timeout is a slow source, not that. */
    private static boolean interrupted(IOException failure) {
        return failure instanceof ClosedByInterruptException
                || (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
    }

    /** Counts and hashes what goes into the store. */
    private static final class DigestingOutputStream extends OutputStream {
        private final OutputStream out;
        private final MessageDigest sha256 = RdbChecker.sha256();
        private long count;

        DigestingOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            sha256.update(bytes, offset, length);
            count += length;
        }

        long count() {
            return count;
        }

        String sha256() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }
}
