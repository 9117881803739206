package io.steward.backup;

import io.steward.collector.ScratchServer;
import io.steward.collector.Target;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves a backup restorable: downloads it, verifies it as {@code verify} does (SHA-256 of the stored object, the
 * RDB's CRC-64 and size), reads its RDB key by key (values skipped) to count the keys per database and those whose TTL
 * ran out, and, given a {@code redis-server}, loads the RDB into a scratch server of its own and asks it what it
 * holds. The manifest's keys per database, the RDB's and the server's must agree. A Cluster's backup set is drilled
 * shard by shard, each against its shard's keys. Every drill is counted on the {@link DrillMetrics}.
 *
 * <p>A drill never throws for what it finds, nor for a store it cannot read: it returns a {@link DrillResult}.
 */
public final class RestoreDrill {

    /**
     * A target's scheduled drill, as the configuration gives it.
     *
     * @param redisServer the binary to load into; empty to parse the RDB only
     * @param how which binary and why, for the log: {@code /usr/bin/redis-server (on PATH)}, {@code parse-only
     *     (redis-server: none)}
     */
    public record Scheduled(Target target, String cron, Optional<Path> redisServer, String how) {}

    /** What the result says of per-key digests while the manifest records none. */
    public static final String DIGESTS_NOT_RECORDED = "not recorded";

    private static final Logger logger = LoggerFactory.getLogger(RestoreDrill.class);
    private static final int CHUNK = 1 << 20;

    private final BackupStore store;
    private final BackupKeys keys;
    private final BackupCatalog catalog;
    private final ScratchRedis scratch;
    private final DrillMetrics metrics;
    private final Clock clock;
    private final Path tempRoot;

    /**
     * @param scratch how the collector reaches a scratch server the drill started
     * @param tempRoot where each scratch server gets a directory of its own for the RDB, deleted after
     */
    public RestoreDrill(
            BackupStore store, ScratchServer.Opener scratch, DrillMetrics metrics, Clock clock, Path tempRoot) {
        this(store, BackupKeys.none(), scratch, metrics, clock, tempRoot);
    }

    /** @param keys the keys that may decrypt encrypted backups */
    public RestoreDrill(
            BackupStore store,
            BackupKeys keys,
            ScratchServer.Opener scratch,
            DrillMetrics metrics,
            Clock clock,
            Path tempRoot) {
        this.keys = keys;
        this.store = store;
        this.catalog = new BackupCatalog(store);
        this.scratch = new ScratchRedis(scratch, clock);
        this.metrics = metrics;
        this.clock = clock;
        this.tempRoot = tempRoot;
    }

    /** Drills the newest complete backup of a scheduled drill's target, with its binary. */
    public DrillResult drill(Scheduled drill) {
        return drill(drill.target(), drill.redisServer());
    }

    public DrillResult drill(Target target, Optional<Path> redisServer) {
        return drill(target.name(), redisServer, Progress.NONE);
    }

    /** Drills the newest complete backup of the target; {@link DrillFailure#NO_BACKUP} when it has none. */
    public DrillResult drill(String target, Optional<Path> redisServer, Progress progress) {
        long start = System.nanoTime();
        Optional<Manifest> newest;
        try {
            newest = catalog.list(Optional.of(target)).stream().findFirst();
        } catch (BackupException unreadable) {
            return recorded(failed(target, redisServer, DrillFailure.of(unreadable), unreadable.getMessage(), start));
        }
        if (newest.isEmpty()) {
            return recorded(failed(
                    target,
                    redisServer,
                    DrillFailure.NO_BACKUP,
                    "no complete backup of " + target + " in " + store.location()
                            + " to drill (steward backup list shows what is there)",
                    start));
        }
        return recorded(run(newest.get(), redisServer, progress, start));
    }

    /**
     * Drills the backup with this id; {@link DrillFailure#NO_BACKUP} with no target (and nothing counted) when the
     * store holds none of that id.
     */
    public DrillResult drillBackup(String id, Optional<Path> redisServer, Progress progress) {
        long start = System.nanoTime();
        Optional<Manifest> manifest;
        try {
            manifest = catalog.find(id);
        } catch (BackupException unreadable) {
            return failed(null, redisServer, DrillFailure.of(unreadable), unreadable.getMessage(), start);
        }
        if (manifest.isEmpty()) {
            return failed(
                    null, redisServer, DrillFailure.NO_BACKUP, "no backup '" + id + "' in " + store.location(), start);
        }
        return drill(manifest.get(), redisServer, progress);
    }

    /** Drills this backup, found in the store already. */
    public DrillResult drill(Manifest manifest, Optional<Path> redisServer, Progress progress) {
        return recorded(run(manifest, redisServer, progress, System.nanoTime()));
    }

    /** Counts the drill, and keeps its outcome beside the backup it drilled (a drill that found one). */
    private DrillResult recorded(DrillResult result) {
        Instant finished = clock.instant();
        metrics.recorded(result, finished);
        if (result.target() != null && result.backupId() != null && result.reason() != DrillFailure.STORE) {
            DrillRecord record = DrillRecord.of(result, finished);
            try {
                store.createSmall(record.key(finished), record.toJson());
            } catch (BackupException unwritable) {
                logger.warn(
                        "the drill of backup {} of {} is not recorded in {}: {}",
                        result.backupId(),
                        result.target(),
                        store.location(),
                        unwritable.getMessage());
            }
        }
        return result;
    }

    /**
     * When a target's backups last passed a drill, as recorded in the store (by any agent): the newest record among
     * its newest backups.
     *
     * @param backups the target's complete backups, newest first ({@link BackupCatalog#list})
     */
    public Optional<Instant> lastPassed(List<Manifest> backups) {
        return DrillRecord.newestPassed(store, backups.stream().limit(10).toList())
                .map(DrillRecord::drilled);
    }

    private DrillResult failed(
            String target, Optional<Path> redisServer, DrillFailure reason, String message, long start) {
        return new DrillResult(
                target,
                null,
                DrillResult.Mode.of(redisServer),
                reason,
                message,
                since(start),
                List.of(),
                DIGESTS_NOT_RECORDED);
    }

    private DrillResult run(Manifest manifest, Optional<Path> redisServer, Progress progress, long start) {
        List<DrillResult.Part> parts = new ArrayList<>();
        try {
            List<Manifest.Part> rdbs = manifest.parts();
            long before = 0;
            for (int i = 0; i < rdbs.size(); i++) {
                Map<String, Long> expected =
                        manifest.isSet() ? manifest.shards().get(i).keys() : manifest.keys();
                DrillResult.Part part = drillPart(
                        manifest, rdbs.get(i), expected == null ? Map.of() : expected, redisServer, progress, before);
                parts.add(part);
                if (part.reason() == DrillFailure.STORE || part.reason() == DrillFailure.KEY_MISSING) {
                    break; // the next shards would meet the same store, or lack the same key
                }
                before += rdbs.get(i).stored().size();
            }
        } finally {
            progress.finished();
        }
        List<DrillResult.Part> failed =
                parts.stream().filter(part -> !part.passed()).toList();
        return new DrillResult(
                manifest.target(),
                manifest.id(),
                DrillResult.Mode.of(redisServer),
                failed.isEmpty() ? null : failed.get(0).reason(),
                failed.isEmpty()
                        ? passed(manifest, parts, DrillResult.Mode.of(redisServer))
                        : failed.stream().map(DrillResult.Part::message).collect(Collectors.joining("; ")),
                since(start),
                parts,
                perKeyDigests(manifest));
    }

    /**
     * Per-key digests: the manifest records none, so none are compared. A backup that records them (a digest of
     * each key's {@code DUMP} payload, in a later manifest schema) would be checked here: read the values in
     * {@link #readKeys} ({@link RdbKeys.Values#DUMPED} in place of {@code SKIPPED}), digest each, and fail with
     * {@link DrillFailure#KEYS_DIFFER} naming the first key whose digest differs.
     */
    private static String perKeyDigests(Manifest manifest) {
        return DIGESTS_NOT_RECORDED;
    }

    /** {@code backup <id> verified and loaded into redis-server 7.0.15: 1017 keys in 3 databases, ...}. */
    private static String passed(Manifest manifest, List<DrillResult.Part> parts, DrillResult.Mode mode) {
        long seen = 0;
        long expired = 0;
        SortedSet<Integer> dbs = new TreeSet<>();
        for (DrillResult.Part part : parts) {
            for (DrillResult.DatabaseCount db : part.databases()) {
                seen += db.seen();
                expired += db.expired();
                dbs.add(db.db());
            }
        }
        String what = manifest.isSet()
                ? "backup set " + manifest.id() + " (" + parts.size() + " shards)"
                : "backup " + manifest.id();
        return what + " verified and " + parts.get(0).message() + ": " + seen + " keys in " + dbs.size()
                + " databases, as the manifest records"
                + (expired == 0
                        ? ""
                        : mode == DrillResult.Mode.PARSE_ONLY
                                ? " (" + expired + " of them had expired)"
                                : " less " + expired + " that had expired");
    }

    /** One RDB of the backup: verified, counted, and loaded when there is a binary to load it into. */
    private DrillResult.Part drillPart(
            Manifest manifest,
            Manifest.Part part,
            Map<String, Long> expected,
            Optional<Path> redisServer,
            Progress progress,
            long before) {
        String what = (manifest.isSet() ? part.name() + " of backup set " + manifest.id() : "backup " + manifest.id())
                + " of " + manifest.target();
        try {
            if (part.rdb().version() > RdbKeys.NEWEST_VERSION) {
                throw new DrillFailed(
                        DrillFailure.LOAD,
                        what + " is RDB version " + part.rdb().version() + ", which this agent cannot read key by key"
                                + " yet (it reads RDB versions up to " + RdbKeys.NEWEST_VERSION + ", Redis 7.2's), so"
                                + " a drill cannot count its keys; steward backup verify checks its checksums");
            }
            KeyTally tally = new KeyTally(clock.millis());
            if (redisServer.isEmpty()) {
                try (RdbStream rdb = RdbStream.open(store, keys, manifest, part, progress, before)) {
                    readKeys(rdb, rdb, null, tally, what);
                }
                return KeyComparison.of(part.name(), what, expected, manifest.keysExact(), tally, null);
            }
            Path dir = scratchDirectory();
            try {
                Path file = dir.resolve("dump.rdb");
                try (RdbStream rdb = RdbStream.open(store, keys, manifest, part, progress, before);
                        OutputStream out = new BufferedOutputStream(
                                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), CHUNK)) {
                    TeeInputStream tee = new TeeInputStream(rdb, out, file);
                    readKeys(tee, rdb, tee, tally, what);
                    out.flush();
                } catch (IOException unwritable) {
                    throw cannotWrite(file, unwritable);
                }
                ScratchRedis.Loaded loaded = scratch.load(
                        redisServer.get(),
                        dir,
                        KeyComparison.databases(expected, tally),
                        what,
                        part.rdb().version());
                return KeyComparison.of(part.name(), what, expected, manifest.keysExact(), tally, loaded);
            } finally {
                deleteRecursively(dir);
            }
        } catch (DrillFailed failed) {
            return new DrillResult.Part(part.name(), failed.reason(), failed.getMessage(), List.of());
        } catch (BackupException failure) {
            return new DrillResult.Part(part.name(), DrillFailure.of(failure), failure.getMessage(), List.of());
        }
    }

    /**
     * Counts every key of {@code in} (the RDB, or a tee of it into the scratch file), reads what the reader left (the
     * trailer), then checks the whole RDB against the manifest. An RDB the reader gives up on is checked too: a
     * damaged backup is reported as a mismatch rather than as a parse error.
     */
    private void readKeys(InputStream in, RdbStream rdb, TeeInputStream tee, KeyTally tally, String what) {
        IOException unparsable = null;
        try {
            RdbKeys.read(in, RdbKeys.Values.SKIPPED, key -> tally.add(key.db(), key.expireAtMillis()));
        } catch (IOException stopped) {
            unparsable = stopped;
        }
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException failure) {
            if (tee != null && tee.failure() != null) {
                throw cannotWrite(tee.file(), tee.failure());
            }
            throw rdb.unreadable(failure);
        }
        if (tee != null && tee.failure() != null) {
            throw cannotWrite(tee.file(), tee.failure());
        }
        rdb.finish();
        if (unparsable != null) {
            throw new DrillFailed(
                    DrillFailure.CORRUPT,
                    what + " matches its manifest, but its RDB cannot be read key by key (" + unparsable.getMessage()
                            + ")");
        }
    }

    private static DrillFailed cannotWrite(Path file, IOException failure) {
        return new DrillFailed(
                DrillFailure.LOAD,
                "cannot write the RDB for the scratch redis-server to " + file + ": " + failure.getMessage());
    }

    private Path scratchDirectory() {
        try {
            Files.createDirectories(tempRoot);
            // createTempDirectory makes it private to the agent's user: it holds the backup's data.
            return Files.createTempDirectory(tempRoot, "steward-drill-");
        } catch (IOException failure) {
            throw new DrillFailed(
                    DrillFailure.LOAD,
                    "cannot create a directory for the scratch redis-server in " + tempRoot + ": "
                            + failure.getMessage());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | java.io.UncheckedIOException failure) {
            logger.warn("cannot delete the restore drill's directory {}: {}", dir, failure.getMessage());
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
