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
 * The RDB of a stored backup as it streams from the store: the stored bytes hashed and counted, then decompressed,
 * the RDB bytes checked as they are read. Nothing is trusted until {@link #finish()} has read what is left and
 * compared everything with the manifest. Nothing is buffered beyond one chunk.
 */
public final class RdbStream extends InputStream {

    private final Manifest manifest;
    private final Progress progress;
    private final RdbChecker checker;
    private final MessageDigest storedSha = RdbChecker.sha256();
    private final InputStream counted;
    private final InputStream rdb;
    private long storedSize;

    private RdbStream(Manifest manifest, InputStream raw, Compression compression, Progress progress)
            throws IOException {
        this.manifest = manifest;
        this.progress = progress;
        this.checker = new RdbChecker("the RDB in backup " + manifest.id());
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

    /** Opens the backup's stored object; reports {@link Progress.Phase#DOWNLOADING} in stored bytes as it is read. */
    static RdbStream open(BackupStore store, Manifest manifest, Progress progress) {
        Compression compression = Compression.parse(manifest.stored().compression());
        if (compression == null) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    "backup " + manifest.id() + " uses compression '"
                            + manifest.stored().compression() + "', which this agent does not know");
        }
        InputStream raw = store.open(manifest.stored().object());
        try {
            return new RdbStream(manifest, raw, compression, progress);
        } catch (IOException failure) {
            closeQuietly(raw);
            throw unreadable(manifest, failure);
        }
    }

    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int n = rdb.read(bytes, offset, length);
        if (n > 0) {
            checker.update(bytes, offset, n);
            progress.update(
                    Progress.Phase.DOWNLOADING, storedSize, manifest.stored().size());
        }
        return n;
    }

    /**
     * Reads whatever is left (the RDB's trailer, bytes after the compressed frame), then compares sizes, SHA-256s and
     * the CRC-64 with the manifest.
     *
     * @throws BackupException {@link BackupFailure#MISMATCH} naming what differs, or why the object cannot be read
     */
    public RdbDigest finish() {
        try {
            transferTo(OutputStream.nullOutputStream());
            counted.transferTo(OutputStream.nullOutputStream());
        } catch (IOException failure) {
            throw unreadable(manifest, failure);
        }
        return compare(HexFormat.of().formatHex(storedSha.digest()));
    }

    @Override
    public void close() {
        closeQuietly(rdb);
        closeQuietly(counted);
    }

    static BackupException unreadable(Manifest manifest, IOException failure) {
        String message = failure.getMessage();
        return new BackupException(
                BackupFailure.MISMATCH,
                "backup " + manifest.id() + " cannot be read back ("
                        + (message == null ? failure.getClass().getSimpleName() : message)
                        + "): the stored object does not match its manifest",
                failure);
    }

    private RdbDigest compare(String storedShaHex) {
        List<String> differences = new ArrayList<>();
        if (storedSize != manifest.stored().size()) {
            differences.add(
                    "stored size " + storedSize + " != " + manifest.stored().size());
        }
        if (!storedShaHex.equals(manifest.stored().sha256())) {
            differences.add("stored SHA-256 " + storedShaHex + " != "
                    + manifest.stored().sha256());
        }
        RdbDigest digest;
        try {
            digest = checker.finish();
        } catch (BackupException corrupt) {
            differences.add(corrupt.getMessage());
            throw mismatch(differences);
        }
        if (digest.size() != manifest.rdb().size()) {
            differences.add(
                    "RDB size " + digest.size() + " != " + manifest.rdb().size());
        }
        if (!digest.sha256().equals(manifest.rdb().sha256())) {
            differences.add(
                    "RDB SHA-256 " + digest.sha256() + " != " + manifest.rdb().sha256());
        }
        if (!digest.crc64().equals(manifest.rdb().crc64())) {
            differences.add(
                    "RDB CRC-64 " + digest.crc64() + " != " + manifest.rdb().crc64());
        }
        if (!differences.isEmpty()) {
            throw mismatch(differences);
        }
        return digest;
    }

    private BackupException mismatch(List<String> differences) {
        return new BackupException(
                BackupFailure.MISMATCH,
                "backup " + manifest.id() + " of " + manifest.target() + " does not match its manifest: "
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
