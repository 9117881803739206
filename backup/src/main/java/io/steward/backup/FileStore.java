package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Backups in a local directory, in the same layout as in S3. Each object is written under a hidden temporary name
 * in its final directory, fsynced, then renamed into place (refusing to replace an existing file), and the
 * directory is fsynced, so a crash leaves either the whole object or a temporary file that prune removes.
 */
public final class FileStore implements BackupStore {

    static final String TEMP_PREFIX = ".partial-";
    private static final String PROBE_PREFIX = ".steward-write-check-";

    private final Path root;

    public FileStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String location() {
        return root.toUri().toString();
    }

    /**
     * Creates and deletes a hidden file in the directory or, when it does not exist yet, in the nearest directory
     * above it, where the first backup will create it: the check leaves nothing behind, not even the directory.
     * Creating a file is the only sure test: permission bits, ACLs, a read-only mount and an immutable directory
     * all refuse it, and root passes the bits but not the rest.
     */
    @Override
    public void checkWritable() {
        Path existing = root;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new BackupException(
                    BackupFailure.STORE_ERROR,
                    "cannot create the store directory " + root + ": " + existing
                            + " is not a directory; check storage.url");
        }
        try {
            Files.delete(Files.createTempFile(existing, PROBE_PREFIX, ""));
        } catch (IOException failure) {
            throw new BackupException(
                    BackupFailure.STORE_AUTH,
                    "cannot write to "
                            + (existing.equals(root)
                                    ? "the store directory " + root
                                    : existing + ", where the store directory " + root + " would be created")
                            + ": " + detail(failure)
                            + "; check its permissions for the user the agent runs as, or storage.url",
                    failure);
        }
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID() + "-" + target.getFileName());
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new FileWriter(channel, temp, target);
        } catch (IOException failure) {
            throw storeError("cannot create " + target, failure);
        }
    }

    @Override
    public void createSmall(String key, byte[] content) {
        try (ObjectWriter writer = create(key, content.length)) {
            writer.write(content);
            writer.commit();
        } catch (IOException failure) {
            throw storeError("cannot write " + resolve(key), failure);
        }
    }

    @Override
    public InputStream open(String key) {
        Path file = resolve(key);
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException missing) {
            throw new BackupException(BackupFailure.STORE_ERROR, file + " is missing from the store");
        } catch (IOException failure) {
            throw storeError("cannot read " + file, failure);
        }
    }

    @Override
    public List<StoredObject> list(String keyPrefix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String key = root.relativize(file)
                        .toString()
                        .replace(file.getFileSystem().getSeparator(), "/");
                if (key.startsWith(keyPrefix)) {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        objects.add(new StoredObject(
                                key,
                                attributes.size(),
                                attributes.lastModifiedTime().toInstant()));
                    }
                }
            }
        } catch (IOException | UncheckedIOException failure) {
            throw storeError("cannot list " + root, failure);
        }
        return objects;
    }

    @Override
    public void delete(Collection<String> keys) {
        for (String key : keys) {
            Path file = resolve(key);
            try {
                Files.deleteIfExists(file);
                deleteEmptyParents(file.getParent());
            } catch (IOException failure) {
                throw storeError("cannot delete " + file, failure);
            }
        }
    }

    /** None here: a write cut short leaves a temporary file, which {@link #list} shows and prune removes. */
    @Override
    public List<UnfinishedUpload> unfinishedUploads(Instant before) {
        return List.of();
    }

    @Override
    public void abort(UnfinishedUpload upload) {
        throw new IllegalArgumentException("a directory store has no uploads to abort: " + upload.key());
    }

    private void deleteEmptyParents(Path dir) throws IOException {
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try (Stream<Path> entries = Files.list(d)) {
                if (entries.findAny().isPresent()) {
                    return;
                }
            }
            Files.delete(d);
        }
    }

    private Path resolve(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("key outside the store: " + key);
        }
        return file;
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    private static BackupException storeError(String what, Exception failure) {
        Throwable cause = failure instanceof UncheckedIOException unchecked ? unchecked.getCause() : failure;
        return new BackupException(BackupFailure.STORE_ERROR, what + ": " + detail(cause), cause);
    }

    private static String detail(Throwable failure) {
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        // The system's reason ("Read-only file system", "Operation not permitted"), without the path again.
        if (failure instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        return String.valueOf(failure.getMessage());
    }

    private static final class FileWriter extends ObjectWriter {
        private final FileChannel channel;
        private final OutputStream out;
        private final Path temp;
        private final Path target;
        private long written;
        private boolean done;

        FileWriter(FileChannel channel, Path temp, Path target) {
            this.channel = channel;
            this.out = Channels.newOutputStream(channel);
            this.temp = temp;
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            written += length;
        }

        @Override
        public long commit() {
            try {
                channel.force(true);
                channel.close();
                // Files.move without REPLACE_EXISTING refuses to replace: a backup is never overwritten.
                Files.move(temp, target);
                syncDirectory(target.getParent());
                done = true;
                return written;
            } catch (FileAlreadyExistsException exists) {
                abort();
                throw new BackupException(
                        BackupFailure.STORE_ERROR, target + " already exists; nothing was overwritten");
            } catch (IOException failure) {
                abort();
                throw storeError("cannot write " + target, failure);
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // prune removes temporary files left behind
            }
        }
    }

    /** Makes a rename durable: fsync of the directory that holds the new name. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
