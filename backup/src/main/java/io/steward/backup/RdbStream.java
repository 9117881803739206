package io.steward.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One RDB of a stored backup (the backup's one, or a set's shard) as it streams from the store: the stored bytes
 * hashed and counted, then decompressed, the RDB bytes checked as they are read. Nothing is trusted until
 * {@link #finish()} has read what is left and compared everything with the manifest. Nothing is buffered beyond one
 * chunk.
 */
public final class RdbStream extends InputStream {

    private final Manifest manifest;
    private final Manifest.Part part;
    private final Progress progress;
    private final long before;
    private final RdbChecker checker;
    private final MessageDigest storedSha = RdbChecker.sha256();
    private final InputStream counted;
    private final InputStream rdb;
    private long storedSize;
    private RdbDigest digest;

    private RdbStream(
            Manifest manifest,
            Manifest.Part part,
            InputStream raw,
            Compression compression,
            Progress progress,
            long before)
            throws IOException {
        this.manifest = manifest;
        this.part = part;
        this.progress = progress;
        this.before = before;
        this.checker = new RdbChecker(
                manifest.isSet() ? part.name() + " of backup " + manifest.id() : "the RDB in backup " + manifest.id());
        this.counted = new FilterInputStream(raw) {
            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                int n = super.read(bytes, offset, length);
                if (n > 0) {
                    storedSha.update(bytes, offset, n);
                    storedSize += n;
                }
                return n;
            }
        };
        this.rdb = compression.decompress(counted);
    }

    /**
     * Opens one part's stored object; reports {@link Progress.Phase#DOWNLOADING} in stored bytes of the whole backup
     * as it is read.
     *
     * @param before the stored bytes of the parts read before this one
     */
    static RdbStream open(BackupStore store, Manifest manifest, Manifest.Part part, Progress progress, long before) {
        Compression compression = Compression.parse(part.stored().compression());
        if (compression == null) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    "backup " + manifest.id() + " uses compression '"
                            + part.stored().compression() + "', which this agent does not know");
        }
        InputStream raw = store.open(part.stored().object());
        try {
            return new RdbStream(manifest, part, raw, compression, progress, before);
        } catch (IOException failure) {
            closeQuietly(raw);
            throw new RdbStream(manifest, part).unreadable(failure);
        }
    }

    /** For messages about a part that could not even be opened. */
    private RdbStream(Manifest manifest, Manifest.Part part) {
        this.manifest = manifest;
        this.part = part;
        this.progress = Progress.NONE;
        this.before = 0;
        this.checker = null;
        this.counted = InputStream.nullInputStream();
        this.rdb = InputStream.nullInputStream();
    }

    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        while ((n = read(one, 0, 1)) == 0) {
            // a decompressor may give nothing for a while
        }
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int n = rdb.read(bytes, offset, length);
        if (n > 0) {
            checker.update(bytes, offset, n);
            progress.update(Progress.Phase.DOWNLOADING, before + storedSize, manifest.storedSize());
        }
        return n;
    }

    /**
     * Reads whatever is left (the RDB's trailer, bytes after the compressed frame), then compares sizes, SHA-256s and
     * the CRC-64 with the manifest. Once it matched, later calls return the same digest.
     *
     * @throws BackupException {@link BackupFailure#MISMATCH} naming what differs, or why the object cannot be read
     */
    public RdbDigest finish() {
        if (digest != null) {
            return digest;
        }
        try {
            transferTo(OutputStream.nullOutputStream());
            counted.transferTo(OutputStream.nullOutputStream());
        } catch (IOException failure) {
            throw unreadable(failure);
        }
        digest = compare(HexFormat.of().formatHex(storedSha.digest()));
        return digest;
    }

    @Override
    public void close() {
        closeQuietly(rdb);
        closeQuietly(counted);
    }

    BackupException unreadable(IOException failure) {
        String message = failure.getMessage();
        return new BackupException(
                BackupFailure.MISMATCH,
                backup() + " cannot be read back ("
                        + (message == null ? failure.getClass().getSimpleName() : message)
                        + "): the stored object does not match its manifest",
                failure);
    }

    private RdbDigest compare(String storedShaHex) {
        List<String> differences = new ArrayList<>();
        if (storedSize != part.stored().size()) {
            differences.add("stored size " + storedSize + " != " + part.stored().size());
        }
        if (!storedShaHex.equals(part.stored().sha256())) {
            differences.add(
                    "stored SHA-256 " + storedShaHex + " != " + part.stored().sha256());
        }
        RdbDigest found;
        try {
            found = checker.finish();
        } catch (BackupException corrupt) {
            differences.add(corrupt.getMessage());
            throw mismatch(differences);
        }
        if (found.size() != part.rdb().size()) {
            differences.add("RDB size " + found.size() + " != " + part.rdb().size());
        }
        if (!found.sha256().equals(part.rdb().sha256())) {
            differences.add(
                    "RDB SHA-256 " + found.sha256() + " != " + part.rdb().sha256());
        }
        if (!found.crc64().equals(part.rdb().crc64())) {
            differences.add("RDB CRC-64 " + found.crc64() + " != " + part.rdb().crc64());
        }
        if (!differences.isEmpty()) {
            throw mismatch(differences);
        }
        return found;
    }

    private String backup() {
        return manifest.isSet() ? part.name() + " of backup set " + manifest.id() : "backup " + manifest.id();
    }

    private BackupException mismatch(List<String> differences) {
        return new BackupException(
                BackupFailure.MISMATCH,
                backup() + " of " + manifest.target() + " does not match its manifest: "
                        + String.join("; ", differences));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // only read from: nothing is lost
        }
    }
}
