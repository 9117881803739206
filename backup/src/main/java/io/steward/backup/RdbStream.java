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
 * hashed and counted, then decrypted (of an encrypted backup: each segment authenticated before its bytes pass on),
 * decompressed, the RDB bytes checked as they are read. Nothing is trusted until
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
    private final InputStream decrypted;
    private final InputStream rdb;
    /** Whether the store's stream itself failed, as opposed to the decryption of what it gave. */
    private boolean storeFailed;
    /** The first segment that failed authentication: whatever fails after it, this is what the user hears. */
    private NotAuthentic notAuthentic;

    private long storedSize;
    private RdbDigest digest;

    private RdbStream(
            Manifest manifest,
            Manifest.Part part,
            InputStream raw,
            Compression compression,
            BackupKeys keys,
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
                int n;
                try {
                    n = super.read(bytes, offset, length);
                } catch (IOException failure) {
                    storeFailed = true;
                    throw failure;
                }
                if (n > 0) {
                    storedSha.update(bytes, offset, n);
                    storedSize += n;
                }
                return n;
            }
        };
        this.decrypted =
                part.stored().encrypted() ? authenticated(keys.decrypt(counted, manifest, part.stored())) : counted;
        this.rdb = compression.decompress(decrypted);
    }

    /** Tells a segment that failed authentication apart from a store that failed to deliver it. */
    private InputStream authenticated(InputStream decrypting) {
        return new FilterInputStream(decrypting) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException failure) {
                    throw notAuthentic(failure);
                }
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                try {
                    return super.read(bytes, offset, length);
                } catch (IOException failure) {
                    throw notAuthentic(failure);
                }
            }
        };
    }

    private IOException notAuthentic(IOException failure) {
        if (storeFailed) {
            return failure;
        }
        if (notAuthentic == null) {
            notAuthentic = new NotAuthentic(failure);
        }
        return notAuthentic;
    }

    /** A segment of an encrypted object failed authentication. */
    private static final class NotAuthentic extends IOException {
        private static final long serialVersionUID = 1L;

        NotAuthentic(IOException cause) {
            super("authentication failed", cause);
        }
    }

    /**
     * Opens one part's stored object; reports {@link Progress.Phase#DOWNLOADING} in stored bytes of the whole backup
     * as it is read.
     *
     * @param before the stored bytes of the parts read before this one
     */
    static RdbStream open(
            BackupStore store, BackupKeys keys, Manifest manifest, Manifest.Part part, Progress progress, long before) {
        Compression compression = Compression.parse(part.stored().compression());
        if (compression == null) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    "backup " + manifest.id() + " uses compression '"
                            + part.stored().compression() + "', which this agent does not know");
        }
        // A missing key is found before anything is downloaded.
        keys.checkCanDecrypt(manifest);
        InputStream raw = store.open(part.stored().object());
        try {
            return new RdbStream(manifest, part, raw, compression, keys, progress, before);
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
        this.decrypted = counted;
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
            // Past the compressed frame: the cipher's last segment, so that it too is authenticated.
            decrypted.transferTo(OutputStream.nullOutputStream());
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
        closeQuietly(decrypted);
        closeQuietly(counted);
    }

    BackupException unreadable(IOException failure) {
        if (notAuthentic != null) {
            return new BackupException(
                    BackupFailure.MISMATCH,
                    backup() + " of " + manifest.target() + " failed authentication: its stored object "
                            + part.stored().object() + " was altered in the store, or it is not the object this"
                            + " backup wrote (moved from another backup), or the key of id "
                            + part.stored().encryption().keyId() + " is not the key it was encrypted with; "
                            + "nothing of it can be trusted",
                    notAuthentic);
        }
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
