package io.steward.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a backup back: downloads each stored object, checks its SHA-256 and size, decrypts (an encrypted backup, its
 * key picked by the key id in the manifest), decompresses, checks the RDB
 * (header, CRC-64, SHA-256, size) and compares everything with the manifest, in one streaming pass per RDB.
 * {@link #restore} writes the RDB beside its final name and renames it into place only when all of it verified;
 * {@link #restoreSet} does so for every shard of a Cluster's backup set; {@link #sources} hands the RDBs to a loader.
 */
public final class BackupReader {

    private static final int CHUNK = 1 << 20;
    private static final String RDB_FILE = "dump.rdb";
    private static final String SLOTS_FILE = "slots.txt";

    /** One RDB of a backup that matched its manifest. */
    public record Verified(Manifest.Part part, RdbDigest rdb) {}

    private final BackupStore store;
    private final BackupKeys keys;

    /** Reads unencrypted backups only. */
    public BackupReader(BackupStore store) {
        this(store, BackupKeys.none());
    }

    /** @param keys the keys that may decrypt encrypted backups */
    public BackupReader(BackupStore store, BackupKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    /** Downloads and checks every RDB of the backup; throws {@link BackupFailure#MISMATCH} naming what differs. */
    public List<Verified> verify(Manifest manifest, Progress progress) {
        try {
            keys.checkCanDecrypt(manifest);
            List<Verified> verified = new ArrayList<>();
            long before = 0;
            for (Manifest.Part part : manifest.parts()) {
                try (RdbStream rdb = RdbStream.open(store, keys, manifest, part, progress, before)) {
                    verified.add(new Verified(part, rdb.finish()));
                }
                before += part.stored().size();
            }
            return verified;
        } finally {
            progress.finished();
        }
    }

    /**
     * The backup's RDBs in the order they are to be loaded: the one, or a set's shards in turn. Each is opened anew
     * when asked, so a restore can read them twice (check, then load).
     */
    public List<RdbSource> sources(Manifest manifest) {
        keys.checkCanDecrypt(manifest);
        List<RdbSource> sources = new ArrayList<>();
        long before = 0;
        for (Manifest.Part part : manifest.parts()) {
            long offset = before;
            sources.add(progress -> RdbStream.open(store, keys, manifest, part, progress, offset));
            before += part.stored().size();
        }
        return List.copyOf(sources);
    }

    /**
     * Restores the backup as {@code dir/dump.rdb}: written to a temporary file in {@code dir}, verified, fsynced,
     * then renamed over the final name. An existing {@code dump.rdb} is replaced only with {@code force}.
     */
    public Path restore(Manifest manifest, Path dir, boolean force, Progress progress) {
        if (manifest.isSet()) {
            throw new IllegalArgumentException(
                    "backup " + manifest.id() + " is a backup set: restore it with restoreSet");
        }
        return restoreAll(manifest, List.of(dir), force, progress).get(0);
    }

    /**
     * Restores a Cluster's backup set as one directory per shard, {@code dir/shard-N/dump.rdb} with the slot ranges
     * its primary served in {@code dir/shard-N/slots.txt} (one range a line, {@code 0-5460}). Every shard is written
     * and verified beside its final names before any is renamed into place: a shard that fails changes nothing. An
     * existing {@code dump.rdb} is replaced only with {@code force}. Returns the shards' directories, in order.
     */
    public List<Path> restoreSet(Manifest manifest, Path dir, boolean force, Progress progress) {
        List<Path> dirs =
                manifest.parts().stream().map(part -> dir.resolve(part.name())).toList();
        restoreAll(manifest, dirs, force, progress);
        return dirs;
    }

    /** A part written and verified under temporary names, waiting to be renamed into place. */
    private record Staged(Path dir, Path rdb, Path slots) {}

    /** Writes part {@code i} into {@code dirs.get(i)}: every part staged first, then each renamed into place. */
    private List<Path> restoreAll(Manifest manifest, List<Path> dirs, boolean force, Progress progress) {
        List<Manifest.Part> parts = manifest.parts();
        keys.checkCanDecrypt(manifest);
        for (Path dir : dirs) {
            if (Files.exists(dir.resolve(RDB_FILE)) && !force) {
                throw new BackupException(
                        BackupFailure.RESTORE_TARGET,
                        dir.resolve(RDB_FILE) + " exists; nothing was changed. Give --force"
                                + " to replace it (stop the Redis that uses it first)");
            }
        }
        List<Staged> staged = new ArrayList<>();
        Path writing = dirs.get(0);
        try {
            long before = 0;
            for (int i = 0; i < parts.size(); i++) {
                writing = dirs.get(i);
                stage(manifest, parts.get(i), writing, progress, before, staged);
                before += parts.get(i).stored().size();
            }
            List<Path> placed = new ArrayList<>();
            for (Staged part : staged) {
                writing = part.dir();
                placed.add(place(part, force));
            }
            return placed;
        } catch (FileAlreadyExistsException appeared) {
            staged.forEach(BackupReader::deleteQuietly);
            throw new BackupException(
                    BackupFailure.RESTORE_TARGET,
                    appeared.getFile() + " appeared during the restore; nothing was changed. Give --force to replace"
                            + " it");
        } catch (IOException failure) {
            staged.forEach(BackupReader::deleteQuietly);
            throw new BackupException(
                    BackupFailure.RESTORE_TARGET,
                    "cannot write the restored RDB in " + writing + ": " + describe(failure) + "; nothing was changed",
                    failure);
        } catch (RuntimeException failure) {
            staged.forEach(BackupReader::deleteQuietly);
            throw failure;
        } finally {
            progress.finished();
        }
    }

    /**
     * Downloads one part into a temporary file in {@code dir}, fsynced; its slot ranges too. It joins {@code staged}
     * before the first byte is written, so a failure half-way deletes it.
     */
    private void stage(
            Manifest manifest, Manifest.Part part, Path dir, Progress progress, long before, List<Staged> staged)
            throws IOException {
        Files.createDirectories(dir);
        Staged files = new Staged(
                dir,
                dir.resolve("." + RDB_FILE + ".restore-" + manifest.id()),
                part.slots().isEmpty() ? null : dir.resolve("." + SLOTS_FILE + ".restore-" + manifest.id()));
        staged.add(files);
        try (FileChannel channel = FileChannel.open(
                        files.rdb(),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                RdbStream rdb = RdbStream.open(store, keys, manifest, part, progress, before)) {
            copy(rdb, Channels.newOutputStream(channel));
            rdb.finish();
            channel.force(true);
        }
        if (files.slots() != null) {
            try (FileChannel channel = FileChannel.open(
                    files.slots(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                Channels.newOutputStream(channel)
                        .write((String.join("\n", part.slots()) + "\n").getBytes(StandardCharsets.US_ASCII));
                channel.force(true);
            }
        }
    }

    private static Path place(Staged part, boolean force) throws IOException {
        Path rdb = part.dir().resolve(RDB_FILE);
        move(part.rdb(), rdb, force);
        if (part.slots() != null) {
            move(part.slots(), part.dir().resolve(SLOTS_FILE), true);
        }
        FileStore.syncDirectory(part.dir());
        return rdb;
    }

    private static void move(Path from, Path to, boolean replace) throws IOException {
        if (replace) {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.move(from, to);
        }
    }

    /** Reading failures are the backup's (a mismatch), writing failures the restore directory's. */
    private static void copy(RdbStream rdb, OutputStream out) throws IOException {
        byte[] buffer = new byte[CHUNK];
        while (true) {
            int n;
            try {
                n = rdb.read(buffer, 0, buffer.length);
            } catch (IOException unreadable) {
                throw rdb.unreadable(unreadable);
            }
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    private static void deleteQuietly(Staged part) {
        deleteQuietly(part.rdb());
        if (part.slots() != null) {
            deleteQuietly(part.slots());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a hidden temporary file left behind does no harm
        }
    }
}
