package io.steward.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
 * Reads a backup back: downloads each stored object, checks its SHA-256 and size, decompresses, checks the RDB
 * (header, CRC-64, SHA-256, size) and compares everything with the manifest, in one streaming pass per RDB.
 * {@link #restore} writes the RDB beside its final name and renames it into place only when all of it verified;
 * {@link #restoreSet} does so for every shard of a Cluster's backup set; {@link #open} hands one RDB to a loader.
 */
public final class BackupReader {

    private static final int CHUNK = 1 << 20;
    private static final String RDB_FILE = "dump.rdb";
    private static final String SLOTS_FILE = "slots.txt";

    /** One RDB of a backup that matched its manifest. */
    public record Verified(Manifest.Part part, RdbDigest rdb) {}

    private final BackupStore store;

    public BackupReader(BackupStore store) {
        this.store = store;
    }

    /** Downloads and checks every RDB of the backup; throws {@link BackupFailure#MISMATCH} naming what differs. */
    public List<Verified> verify(Manifest manifest, Progress progress) {
        try {
            List<Verified> verified = new ArrayList<>();
            long before = 0;
            for (Manifest.Part part : manifest.parts()) {
                try (CheckedRdb rdb = checked(manifest, part, progress, before)) {
                    byte[] buffer = new byte[CHUNK];
                    while (rdb.read(buffer, 0, buffer.length) >= 0) {
                        // read to the end: the checks are made as the bytes pass
                    }
                    verified.add(new Verified(part, rdb.digest()));
                }
                before += part.stored().size();
            }
            return verified;
        } finally {
            progress.finished();
        }
    }

    /**
     * One RDB of the backup ({@link Manifest#parts()}: the one, or a set's shards in turn), decompressed, for a loader
     * to stream into a server. Its bytes are checked as they are read; reaching its end compares everything with
     * the manifest, and throws {@link BackupException} ({@link BackupFailure#MISMATCH}) instead of ending when
     * anything differs. A failure to read it back is a {@link BackupException} too, so an {@link IOException} the
     * loader sees is its own. Close it when done.
     */
    public InputStream open(Manifest manifest, Manifest.Part part, Progress progress) {
        return checked(manifest, part, progress, 0);
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
                CheckedRdb rdb = checked(manifest, part, progress, before)) {
            OutputStream out = Channels.newOutputStream(channel);
            byte[] buffer = new byte[CHUNK];
            for (int n; (n = rdb.read(buffer, 0, buffer.length)) >= 0; ) {
                out.write(buffer, 0, n);
            }
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

    private CheckedRdb checked(Manifest manifest, Manifest.Part part, Progress progress, long before) {
        Compression compression = Compression.parse(part.stored().compression());
        if (compression == null) {
            throw new BackupException(
                    BackupFailure.MISMATCH,
                    "backup " + manifest.id() + " uses compression '"
                            + part.stored().compression() + "', which this agent does not know");
        }
        return new CheckedRdb(manifest, part, compression, progress, before);
    }

    /**
     * One part's RDB as it is read: the stored bytes counted and hashed, the RDB checked, and at its end all of it
     * compared with the manifest.
     */
    private final class CheckedRdb extends InputStream {
        private final Manifest manifest;
        private final Manifest.Part part;
        private final Progress progress;
        private final long before;
        private final long total;
        private final RdbChecker checker;
        private final MessageDigest storedSha = RdbChecker.sha256();
        private final InputStream stored;
        private final InputStream rdb;
        private long storedSize;
        private RdbDigest digest;

        CheckedRdb(Manifest manifest, Manifest.Part part, Compression compression, Progress progress, long before) {
            this.manifest = manifest;
            this.part = part;
            this.progress = progress;
            this.before = before;
            this.total = manifest.storedSize();
            this.checker = new RdbChecker(what());
            this.stored = new FilterInputStream(store.open(part.stored().object())) {
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
            try {
                this.rdb = compression.decompress(stored);
            } catch (IOException unreadable) {
                closeQuietly(stored);
                throw unreadable(unreadable);
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n;
            while ((n = read(one, 0, 1)) == 0) {
                // a decompressor may give nothing for a while
            }
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            if (digest != null) {
                return -1;
            }
            int n;
            try {
                n = rdb.read(bytes, offset, length);
            } catch (IOException failure) {
                throw unreadable(failure);
            }
            if (n < 0) {
                finish();
                return -1;
            }
            checker.update(bytes, offset, n);
            progress.update(Progress.Phase.DOWNLOADING, before + storedSize, total);
            return n;
        }

        /** The RDB's digest, once it was read to its end and matched the manifest. */
        RdbDigest digest() {
            return digest;
        }

        private void finish() {
            try {
                stored.transferTo(OutputStream.nullOutputStream()); // hash any bytes after the compressed frame
            } catch (IOException failure) {
                throw unreadable(failure);
            }
            digest = compare(HexFormat.of().formatHex(storedSha.digest()));
        }

        private RdbDigest compare(String storedShaHex) {
            List<String> differences = new ArrayList<>();
            if (storedSize != part.stored().size()) {
                differences.add(
                        "stored size " + storedSize + " != " + part.stored().size());
            }
            if (!storedShaHex.equals(part.stored().sha256())) {
                differences.add("stored SHA-256 " + storedShaHex + " != "
                        + part.stored().sha256());
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
                differences.add(
                        "RDB CRC-64 " + found.crc64() + " != " + part.rdb().crc64());
            }
            if (!differences.isEmpty()) {
                throw mismatch(differences);
            }
            return found;
        }

        private String what() {
            return manifest.isSet()
                    ? part.name() + " of backup " + manifest.id()
                    : "the RDB in backup " + manifest.id();
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

        private BackupException unreadable(IOException failure) {
            return new BackupException(
                    BackupFailure.MISMATCH,
                    backup() + " cannot be read back (" + describe(failure)
                            + "): the stored object does not match its manifest",
                    failure);
        }

        @Override
        public void close() {
            closeQuietly(rdb);
            closeQuietly(stored);
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // everything needed was read, or a failure is already being reported
        }
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
