package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a backup back: downloads the stored object, checks its SHA-256 and size, decompresses, checks the RDB
 * (header, CRC-64, SHA-256, size) and compares everything with the manifest, in one streaming pass.
 * {@link #restore} writes the RDB beside its final name and renames it into place only when all of it verified.
 */
public final class BackupReader {

    private static final int CHUNK = 1 << 20;

    private final BackupStore store;

    public BackupReader(BackupStore store) {
        this.store = store;
    }

    /** Downloads and checks the backup; throws {@link BackupFailure#MISMATCH} naming what differs. */
    public RdbDigest verify(Manifest manifest, Progress progress) {
        try {
            return read(manifest, OutputStream.nullOutputStream(), progress);
        } finally {
            progress.finished();
        }
    }

    /**
     * Restores the backup as {@code dir/dump.rdb}: written to a temporary file in {@code dir}, verified, fsynced,
     * then renamed over the final name. An existing {@code dump.rdb} is replaced only with {@code force}.
     */
    public Path restore(Manifest manifest, Path dir, boolean force, Progress progress) {
        Path target = dir.resolve("dump.rdb");
        if (Files.exists(target) && !force) {
            throw new BackupException(
                    BackupFailure.RESTORE_TARGET,
                    target + " exists; nothing was changed. Give --force"
                            + " to replace it (stop the Redis that uses it first)");
        }
        Path temp = dir.resolve(".dump.rdb.restore-" + manifest.id());
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(
                    temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                read(manifest, Channels.newOutputStream(channel), progress);
                channel.force(true);
            }
            if (force) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(temp, target);
            }
            FileStore.syncDirectory(dir);
            return target;
        } catch (FileAlreadyExistsException appeared) {
            deleteQuietly(temp);
            throw new BackupException(
                    BackupFailure.RESTORE_TARGET,
                    target + " appeared during the restore; nothing was" + " changed. Give --force to replace it");
        } catch (IOException | WriteFailure failure) {
            deleteQuietly(temp);
            Throwable cause = failure instanceof WriteFailure ? failure.getCause() : failure;
            throw new BackupException(
                    BackupFailure.RESTORE_TARGET,
                    "cannot write the restored RDB in " + dir + ": " + describe(cause) + "; nothing was changed",
                    cause);
        } catch (RuntimeException failure) {
            deleteQuietly(temp);
            throw failure;
        } finally {
            progress.finished();
        }
    }

    private RdbDigest read(Manifest manifest, OutputStream out, Progress progress) {
        Compression compression = Compression.parse(manifest.stored().compression());
        if (compression == null) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    "backup " + manifest.id() + " uses compression '"
                            + manifest.stored().compression() + "', which this agent does not know");
        }
        RdbChecker checker = new RdbChecker("the RDB in backup " + manifest.id());
        MessageDigest storedSha = RdbChecker.sha256();
        long[] storedSize = {0};
        try (InputStream raw = store.open(manifest.stored().object())) {
            InputStream counted = new java.io.FilterInputStream(raw) {
                @Override
                public int read(byte[] bytes, int offset, int length) throws IOException {
                    int n = super.read(bytes, offset, length);
                    if (n > 0) {
                        storedSha.update(bytes, offset, n);
                        storedSize[0] += n;
                    }
                    return n;
                }
            };
            try (InputStream in = compression.decompress(counted)) {
                byte[] buffer = new byte[CHUNK];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    checker.update(buffer, 0, n);
                    write(out, buffer, n);
                    progress.update(
                            Progress.Phase.DOWNLOADING,
                            storedSize[0],
                            manifest.stored().size());
                }
                counted.transferTo(OutputStream.nullOutputStream()); // hash any bytes after the compressed frame
            }
        } catch (IOException failure) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    "backup " + manifest.id() + " cannot be read back (" + describe(failure)
                            + "): the stored object does not match its manifest",
                    failure);
        }
        return compare(manifest, checker, HexFormat.of().formatHex(storedSha.digest()), storedSize[0]);
    }

    private static RdbDigest compare(Manifest manifest, RdbChecker checker, String storedSha, long storedSize) {
        List<String> differences = new ArrayList<>();
        if (storedSize != manifest.stored().size()) {
            differences.add(
                    "stored size " + storedSize + " != " + manifest.stored().size());
        }
        if (!storedSha.equals(manifest.stored().sha256())) {
            differences.add(
                    "stored SHA-256 " + storedSha + " != " + manifest.stored().sha256());
        }
        RdbDigest rdb;
        try {
            rdb = checker.finish();
        } catch (BackupException corrupt) {
            differences.add(corrupt.getMessage());
            throw mismatch(manifest, differences);
        }
        if (rdb.size() != manifest.rdb().size()) {
            differences.add("RDB size " + rdb.size() + " != " + manifest.rdb().size());
        }
        if (!rdb.sha256().equals(manifest.rdb().sha256())) {
            differences.add(
                    "RDB SHA-256 " + rdb.sha256() + " != " + manifest.rdb().sha256());
        }
        if (!rdb.crc64().equals(manifest.rdb().crc64())) {
            differences.add(
                    "RDB CRC-64 " + rdb.crc64() + " != " + manifest.rdb().crc64());
        }
        if (!differences.isEmpty()) {
            throw mismatch(manifest, differences);
        }
        return rdb;
    }

    private static BackupException mismatch(Manifest manifest, List<String> differences) {
        return new BackupException(
                BackupFailure.MISMATCH,
                "backup " + manifest.id() + " of " + manifest.target() + " does not match its manifest: "
                        + String.join("; ", differences));
    }

    /** Failures writing the restored file, told apart from failures reading the backup. */
    private static final class WriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super(cause);
        }
    }

    private static void write(OutputStream out, byte[] buffer, int n) {
        try {
            out.write(buffer, 0, n);
        } catch (IOException failure) {
            throw new WriteFailure(failure);
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a hidden temporary file left behind does no harm
        }
    }
}
