package io.steward.backup;

import io.steward.collector.KeyLoadFailure;
import io.steward.collector.KeyLoader;
import io.steward.collector.Keyspace;
import io.steward.collector.Target;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Loads a backup into a running server or cluster with {@code RESTORE}, in two passes over the stored backup. The
 * first reads and verifies all of it and asks the target about the keys it would write (nothing is written); only
 * when the backup is whole and nothing stands in the way does the second read it again and load it. A backup made of
 * several RDBs (one per shard) is read one RDB after the other, into the same target.
 */
public final class LiveRestore {

    private final KeyLoader.Opener opener;
    private final Clock clock;

    public LiveRestore(KeyLoader.Opener opener, Clock clock) {
        this.opener = opener;
        this.clock = clock;
    }

    /**
     * @param sources the backup's RDBs, in the order to load them ({@link BackupReader#sources})
     * @param replace whether keys that exist in the target are replaced; without it they are refused
     * @param progress told of the download in the first pass and of the keys loaded in the second
     */
    public LoadReport restore(
            Manifest manifest, List<RdbSource> sources, Target target, boolean replace, Progress progress) {
        if (manifest.rdbVersion() > RdbKeys.NEWEST_VERSION) {
            throw new BackupException(
                    BackupFailure.LOAD_FAILED,
                    "backup " + manifest.id() + " is RDB version "
                            + manifest.rdbVersion()
                            + ", which loading into a running server cannot read yet (it reads RDB versions up to "
                            + RdbKeys.NEWEST_VERSION + ", Redis 7.2's): restore it with --to-dir; nothing was changed");
        }
        long start = System.nanoTime();
        KeyLoader loader;
        try {
            loader = opener.open(target);
        } catch (KeyLoadFailure failure) {
            throw LoadFailures.of(failure, manifest, null, -1, target);
        }
        try (loader) {
            Check check = check(manifest, sources, loader, target, replace, progress);
            refuseWhatStandsInTheWay(manifest, check, loader, target);
            long loadStart = System.nanoTime();
            Loaded loaded = load(manifest, sources, loader, target, replace, check.toLoad(), progress);
            long end = System.nanoTime();
            return new LoadReport(
                    loaded.keys(),
                    loaded.expired(),
                    check.functionLibraries(),
                    Duration.ofNanos(loadStart - start),
                    Duration.ofNanos(end - loadStart));
        }
    }

    /**
     * Pass 1: every RDB read and verified, its keys counted, and those that exist in the target found. Values are
     * read past, not copied: only pass 2 needs them.
     */
    private Check check(
            Manifest manifest,
            List<RdbSource> sources,
            KeyLoader loader,
            Target target,
            boolean replace,
            Progress progress) {
        Keyspace before = loader.keyspace();
        Check check = new Check();
        long now = clock.millis();
        try {
            for (RdbSource source : sources) {
                try (RdbStream rdb = source.open(progress)) {
                    check.add(read(rdb, RdbKeys.Values.SKIPPED, key -> {
                        boolean expired = expired(key, now);
                        check.count(key.db(), expired);
                        if (expired || (loader.isCluster() && key.db() != 0)) {
                            return; // a cluster refuses other databases below, once the whole backup was read
                        }
                        if (check.firstToLoadIn(key.db())) {
                            loader.checkDatabase(key.db());
                        }
                        // A database the target holds no key in cannot conflict: no EXISTS for it. With --replace
                        // conflicts do not matter.
                        if (!replace && holdsKeys(before, key.db())) {
                            loader.checkExists(key.db(), key.name(), () -> check.conflict(key.name()));
                        }
                    }));
                    loader.sync();
                } finally {
                    progress.finished();
                }
            }
        } catch (KeyLoadFailure failure) {
            throw LoadFailures.of(failure, manifest, loader.serverVersion(), -1, target);
        }
        return check;
    }

    private static boolean holdsKeys(Keyspace keyspace, int db) {
        return keyspace.database(db).map(database -> database.keys() > 0).orElse(false);
    }

    private static void refuseWhatStandsInTheWay(Manifest manifest, Check check, KeyLoader loader, Target target) {
        Map<Integer, Long> elsewhere = new TreeMap<>(check.keys());
        elsewhere.remove(0);
        if (loader.isCluster() && !elsewhere.isEmpty()) {
            throw new BackupException(
                    BackupFailure.RESTORE_TARGET,
                    "backup " + manifest.id() + " holds keys in databases other than 0 ("
                            + describe(elsewhere) + "), and a Redis Cluster has database 0 only; nothing was"
                            + " changed. Restore it into a single server with --to");
        }
        if (check.conflicts() > 0) {
            throw new BackupException(
                    BackupFailure.RESTORE_TARGET,
                    check.conflicts() + " keys of backup " + manifest.id() + " already exist in " + target.address()
                            + " (for example " + String.join(", ", check.examples()) + "); nothing was changed. Give"
                            + " --replace to overwrite them (keys the backup does not hold stay as they are)");
        }
    }

    private record Loaded(Map<Integer, Long> keys, long expired) {}

    /** Pass 2: every RDB read again (and verified again) and loaded; keys expired by now are left out. */
    private Loaded load(
            Manifest manifest,
            List<RdbSource> sources,
            KeyLoader loader,
            Target target,
            boolean replace,
            long total,
            Progress progress) {
        Map<Integer, Long> loaded = new TreeMap<>();
        long[] sent = {0};
        long[] expired = {0};
        try {
            for (RdbSource source : sources) {
                try (RdbStream rdb = source.open(Progress.NONE)) {
                    read(rdb, RdbKeys.Values.DUMPED, key -> {
                        if (expired(key, clock.millis())) {
                            expired[0]++;
                            return;
                        }
                        loader.restore(key.db(), key.name(), key.expireAtMillis(), key.payload(), replace);
                        loaded.merge(key.db(), 1L, Long::sum);
                        progress.update(Progress.Phase.LOADING, ++sent[0], total);
                    });
                    loader.sync();
                }
            }
        } catch (KeyLoadFailure failure) {
            throw LoadFailures.of(failure, manifest, loader.serverVersion(), restoredSoFar(loader), target);
        } catch (BackupException unreadable) {
            // The store failed, or the backup no longer reads as it did in the first pass.
            long restored = restoredSoFar(loader);
            throw new BackupException(
                    unreadable.reason(),
                    unreadable.getMessage() + "; this was while loading: " + restored + " keys were loaded and the"
                            + " rest were not. Run the restore again with --replace",
                    unreadable);
        } finally {
            progress.finished();
        }
        return new Loaded(loaded, expired[0]);
    }

    /** What the server confirmed, once the replies still outstanding are in. */
    private static long restoredSoFar(KeyLoader loader) {
        try {
            loader.sync();
        } catch (KeyLoadFailure alsoFailed) {
            // the first failure is the one reported
        }
        return loader.restored();
    }

    private static boolean expired(RdbKeys.Key key, long now) {
        return key.expireAtMillis() > 0 && key.expireAtMillis() <= now;
    }

    /**
     * Reads every key of the RDB, then checks the whole stream against the manifest. An RDB the reader gives up on is
     * checked too: a damaged backup is reported as such rather than as a parse error.
     */
    private static RdbKeys.Extras read(RdbStream rdb, RdbKeys.Values values, Consumer<RdbKeys.Key> each) {
        RdbKeys.Extras extras;
        try {
            extras = RdbKeys.read(rdb, values, each);
        } catch (IOException unreadable) {
            rdb.finish();
            throw new BackupException(
                    BackupFailure.LOAD_FAILED,
                    "backup " + rdb.manifest().id() + " verified, but its RDB cannot be read key by key ("
                            + unreadable.getMessage() + "): restore it with --to-dir and start a server on it");
        }
        rdb.finish();
        return extras;
    }

    private static String describe(Map<Integer, Long> keysPerDb) {
        return keysPerDb.entrySet().stream()
                .map(db -> "db" + db.getKey() + ": " + db.getValue() + " keys")
                .collect(Collectors.joining(", "));
    }

    /** What the first pass found. Only the reading thread touches it. */
    private static final class Check {
        private static final int EXAMPLES = 3;

        private final Map<Integer, Long> keys = new TreeMap<>();
        private final List<String> examples = new java.util.ArrayList<>();
        private long expired;
        private long conflicts;
        private long functionLibraries;
        private final java.util.Set<Integer> databasesToLoad = new java.util.HashSet<>();

        void count(int db, boolean isExpired) {
            keys.merge(db, 1L, Long::sum);
            if (isExpired) {
                expired++;
            }
        }

        /** Whether this is the first key to load in database {@code db}. */
        boolean firstToLoadIn(int db) {
            return databasesToLoad.add(db);
        }

        void conflict(byte[] key) {
            conflicts++;
            if (examples.size() < EXAMPLES) {
                examples.add("'" + KeyLoadFailure.printable(key) + "'");
            }
        }

        void add(RdbKeys.Extras extras) {
            functionLibraries += extras.functionLibraries();
        }

        Map<Integer, Long> keys() {
            return keys;
        }

        long toLoad() {
            return keys.values().stream().mapToLong(Long::longValue).sum() - expired;
        }

        long conflicts() {
            return conflicts;
        }

        long functionLibraries() {
            return functionLibraries;
        }

        List<String> examples() {
            return examples;
        }
    }
}
