package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backups in a store. A backup exists when its {@code manifest.json} does; a directory without one is an
 * incomplete leftover (a crash between upload and manifest) that is never listed and that prune removes.
 */
public final class BackupCatalog {

    private final BackupStore store;

    public BackupCatalog(BackupStore store) {
        this.store = store;
    }

    /** Complete backups, newest first; only the target's when {@code target} is given. */
    public List<Manifest> list(Optional<String> target) {
        List<Manifest> manifests = new ArrayList<>();
        for (Directory dir : directories(
                        target.map(BackupLayout::targetDir).map(d -> d + "/").orElse(""))
                .values()) {
            if (dir.manifest != null) {
                Manifest manifest = read(dir.manifest);
                if (target.isEmpty() || target.get().equals(manifest.target())) {
                    manifests.add(manifest);
                }
            }
        }
        manifests.sort(Comparator.comparing(Manifest::started)
                .thenComparing(Manifest::id)
                .reversed());
        return manifests;
    }

    /**
     * The target's complete backup taken for the scheduled fire due at {@code due}, if any: only the manifests of
     * backups begun since are read (a backup's id starts with the second it began).
     */
    public Optional<Manifest> takenFor(String target, Instant due) {
        String since = BackupLayout.newId(due).substring(0, "yyyyMMddTHHmmssZ".length());
        for (Directory dir : directories(BackupLayout.targetDir(target) + "/").values()) {
            if (dir.manifest == null || dir.id.compareTo(since) < 0) {
                continue;
            }
            Manifest manifest = read(dir.manifest);
            if (manifest.scheduled() != null
                    && due.toString().equals(manifest.scheduled().fireTime())) {
                return Optional.of(manifest);
            }
        }
        return Optional.empty();
    }

    /** The backup with this id, or empty. */
    public Optional<Manifest> find(String id) {
        if (!BackupLayout.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return directories("").values().stream()
                .filter(dir -> dir.id.equals(id) && dir.manifest != null)
                .findFirst()
                .map(dir -> read(dir.manifest));
    }

    /** Every object of backup directories without a manifest whose newest object is older than {@code before}. */
    public List<StoredObject> leftovers(Instant before) {
        List<StoredObject> leftovers = new ArrayList<>();
        for (Directory dir : directories("").values()) {
            boolean old = dir.objects.stream().allMatch(o -> o.lastModified().isBefore(before));
            if (dir.manifest == null && old) {
                leftovers.addAll(dir.objects);
            }
        }
        return leftovers;
    }

    /** The keys of everything a backup consists of: data objects first, the manifest last. */
    public List<String> objectsOf(Manifest manifest) {
        String dir = BackupLayout.targetDir(manifest.target()) + "/" + manifest.id() + "/";
        List<String> keys = new ArrayList<>();
        for (StoredObject object : store.list(dir)) {
            if (!object.key().endsWith("/" + Manifest.FILE_NAME)) {
                keys.add(object.key());
            }
        }
        keys.add(dir + Manifest.FILE_NAME);
        return keys;
    }

    private Manifest read(String key) {
        try (InputStream in = store.open(key)) {
            return Manifest.fromJson(in.readAllBytes(), store.location() + "/" + key);
        } catch (IOException failure) {
            throw new BackupException(
                    BackupFailure.STORE_ERROR,
                    "cannot read " + store.location() + "/" + key + ": " + failure.getMessage(),
                    failure);
        }
    }

    private static final class Directory {
        final String id;
        final List<StoredObject> objects = new ArrayList<>();
        String manifest;

        Directory(String id) {
            this.id = id;
        }
    }

    private Map<String, Directory> directories(String keyPrefix) {
        Map<String, Directory> dirs = new LinkedHashMap<>();
        for (StoredObject object : store.list(keyPrefix)) {
            BackupLayout.parse(object.key()).ifPresent(location -> {
                Directory dir = dirs.computeIfAbsent(location.backupDir(), d -> new Directory(location.id()));
                dir.objects.add(object);
                if (location.fileName().equals(Manifest.FILE_NAME)) {
                    dir.manifest = object.key();
                }
            });
        }
        return dirs;
    }
}
