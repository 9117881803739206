package io.steward.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads a backup back: downloads the stored object, checks its SHA-256 and size, decompresses, checks the RDB
 * (header, CRC-64, SHA-256, size) and compares everything with the manifest, in one streaming pass ({@link RdbStream}).
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

    /**
     * The backup's RDB streams, in the order they are to be loaded: one for a backup of one server. Each is opened
     * anew when asked, so a restore can read them twice (check, then load).
     */
    public List<RdbSource> sources(Manifest manifest) {
        return List.of(progress -> RdbStream.open(store, manifest, progress));
    }

    private RdbDigest read(Manifest manifest, OutputStream out, Progress progress) {
        try (RdbStream in = RdbStream.open(store, manifest, progress)) {
            byte[] buffer = new byte[CHUNK];
            for (int n; (n = read(in, buffer)) >= 0; ) {
                write(out, buffer, n);
            }
            return in.finish();
        }
    }

    private static int read(RdbStream in, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IOException failure) {
            throw RdbStream.unreadable(in.manifest(), failure);
        }
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
