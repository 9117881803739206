package io.steward.cli;

import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupReader;
import io.steward.backup.BackupStore;
import io.steward.backup.LiveRestore;
import io.steward.backup.LoadReport;
import io.steward.backup.Manifest;
import io.steward.collector.Group;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Download a backup, verify it, and either write it as DIR/dump.rdb (--to-dir:",
            "the file appears whole or not at all; an existing one is replaced only with",
            "--force; nothing is written while a redis-server works in DIR unless",
            "--even-if-running; a cluster's backup set becomes DIR/shard-N/dump.rdb beside",
            "DIR/shard-N/slots.txt), or load it with RESTORE into a running server (--to) or",
            "Redis Cluster (--to-cluster). Loading reads the backup twice: first to verify it",
            "and find keys the target holds already (refused, nothing changed, unless",
            "--replace), then to load it."
        })
final class BackupRestoreCommand extends StoredBackupsCommand implements Callable<Integer> {

    /** How long one command may wait for its reply while loading: a RESTORE of a large value takes a while. */
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    @Parameters(paramLabel = "BACKUP_ID", description = "The backup (see steward backup list).")
    String id;

    @Option(names = "--to-dir", paramLabel = "DIR", description = "Where to write dump.rdb.")
    Path dir;

    @Option(names = "--to", paramLabel = "URI", description = "A running server to load into: redis://host:port.")
    String to;

    @Option(
            names = "--to-cluster",
            paramLabel = "URI",
            description = "A seed of a running Redis Cluster to load into: redis://host:port.")
    String toCluster;

    @Option(names = "--force", description = "With --to-dir: replace an existing dump.rdb.")
    boolean force;

    @Option(
            names = "--even-if-running",
            description = "Write dump.rdb even while a redis-server works in DIR (it loads the file only at start"
                    + " and writes its own over it when it saves).")
    boolean evenIfRunning;

    @Option(
            names = "--replace",
            description = "With --to or --to-cluster: replace keys that exist in the target (else refused).")
    boolean replace;

    @Mixin
    ConnectionOptions connection;

    BackupRestoreCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        int destinations = (dir != null ? 1 : 0) + (to != null ? 1 : 0) + (toCluster != null ? 1 : 0);
        if (destinations != 1) {
            throw new ConfigException(
                    "give exactly one of --to-dir DIR, --to redis://host:port and --to-cluster" + " redis://seed:port");
        }
        if (dir != null) {
            if (replace) {
                throw new ConfigException("--replace: is for --to and --to-cluster; --to-dir takes --force");
            }
            return restoreToDirectory();
        }
        if (force) {
            throw new ConfigException("--force: is for --to-dir; --to and --to-cluster take --replace");
        }
        if (connection.cluster) {
            throw new ConfigException("--cluster: give the cluster's seed as --to-cluster redis://seed:port");
        }
        return restoreToServer();
    }

    private Integer restoreToDirectory() {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("--to-dir: " + dir + " is not a directory");
        }
        refuseWhileRedisWorksIn(dir);
        BackupSettings settings = backupSettings();
        try (BackupStore store = settings.openExistingStore()) {
            Manifest manifest = find(new BackupCatalog(store), store, id);
            if (manifest.isSet()) {
                return restoreSet(new BackupReader(store, settings.keys()), manifest);
            }
            Path written =
                    new BackupReader(store, settings.keys()).restore(manifest, dir, force, TerminalProgress.on(err()));
            out().printf(
                            "restored backup %s of %s (%s, taken %s) to %s; verified%n",
                            manifest.id(),
                            manifest.target(),
                            Sizes.human(manifest.rdbSize()),
                            manifest.startedAt(),
                            written);
        }
        noteOnAppendOnly(List.of(dir));
        return 0;
    }

    private int restoreSet(BackupReader reader, Manifest manifest) {
        List<Path> written = reader.restoreSet(manifest, dir, force, TerminalProgress.on(err()));
        out().printf(
                        "restored backup set %s of %s (%d shards, %s, taken %s) to %s; verified%n",
                        manifest.id(),
                        manifest.target(),
                        written.size(),
                        Sizes.human(manifest.rdbSize()),
                        manifest.startedAt(),
                        dir);
        List<Manifest.Part> parts = manifest.parts();
        for (int i = 0; i < parts.size(); i++) {
            out().printf(
                            "  %s: slots %s%n",
                            written.get(i).resolve("dump.rdb"),
                            String.join(" ", parts.get(i).slots()));
        }
        err().println("note: each shard's directory holds the RDB of the primary that served the slots in its"
                + " slots.txt: start the node that is to serve those slots on it.");
        noteOnAppendOnly(written);
        return 0;
    }

    private void noteOnAppendOnly(List<Path> dirs) {
        err().println("note: Redis loads dump.rdb at start only when appendonly is no. With appendonly yes it loads"
                + " the AOF instead and ignores this file: start it once with --appendonly no, then run"
                + " CONFIG SET appendonly yes (Redis writes a new AOF from the data) and set appendonly yes in its"
                + " config.");
        for (Path written : dirs) {
            if (hasAof(written)) {
                err().println("warning: " + written + " holds AOF files (appendonlydir or *.aof); a Redis started"
                        + " there with appendonly yes would load them, not the restored dump.rdb. Move them away"
                        + " first.");
            }
        }
    }

    /**
     * A running Redis does not see a restored file (it reads dump.rdb only at start) and writes its own data over it
     * at its next save or shutdown, while the snapshot it had is gone: the server is to be stopped first.
     */
    private void refuseWhileRedisWorksIn(Path dir) {
        List<RedisProcesses.RedisProcess> running = new RedisProcesses(Path.of("/proc")).workingIn(dir);
        if (running.isEmpty()) {
            return;
        }
        String which = "a running redis-server works in " + dir + " ("
                + String.join("; ", running.stream().map(Object::toString).toList()) + ")";
        if (!evenIfRunning) {
            throw new OperationFailedException(which + "; nothing was changed. Stop it first (it loads dump.rdb"
                    + " only at start, and would write its own data over it when it saves), or give"
                    + " --even-if-running");
        }
        err().println("warning: " + which + ": it does not load the restored dump.rdb until it restarts, and"
                + " writes its own data over it when it saves");
    }

    private Integer restoreToServer() {
        Settings settings = settings();
        BackupSettings backups =
                settings.backups(storageFlag(), storageFlagName(), settings.configuredTargets(REDIS_TIMEOUT));
        Target target = target(settings);
        try (BackupStore store = backups.openExistingStore();
                RedisConnector connector = new RedisConnector(REDIS_TIMEOUT)) {
            Manifest manifest = find(new BackupCatalog(store), store, id);
            LoadReport report = new LiveRestore(connector::openKeyLoader, Clock.systemUTC())
                    .restore(
                            manifest,
                            new BackupReader(store, backups.keys()).sources(manifest),
                            target,
                            replace,
                            TerminalProgress.on(err()));
            print(manifest, target, report);
        }
        return 0;
    }

    /** The server or cluster of --to or --to-cluster, with the connection flags' credentials and TLS files. */
    private Target target(Settings settings) {
        boolean cluster = toCluster != null;
        String flag = cluster ? "--to-cluster" : "--to";
        UriTargets how = settings.uriTargets(connection, Target.DEFAULT_POLL_INTERVAL, LOAD_TIMEOUT);
        Target target = new UriTargets(
                        how.credentials(),
                        how.sentinelCredentials(),
                        cluster,
                        how.tls(),
                        how.pollInterval(),
                        how.timeout())
                .target(cluster ? toCluster : to, flag);
        if (target.group() instanceof Group.Sentinel) {
            throw new ConfigException(flag + ": give the primary as redis://host:port, not a redis-sentinel:// URI");
        }
        return target;
    }

    private void print(Manifest manifest, Target target, LoadReport report) {
        out().printf(
                        "loaded backup %s of %s (taken %s) into %s: %d keys; verified%n",
                        manifest.id(), manifest.target(), manifest.startedAt(), target.address(), report.keysLoaded());
        report.loaded().forEach((db, keys) -> out().printf("  db%d: %d keys%n", db, keys));
        out().printf("  %d keys had expired and were left out%n", report.expiredSkipped());
        out().printf(
                        "  took %.1f s (checking %.1f s, loading %.1f s), %.0f keys/s%n",
                        report.total().toMillis() / 1000.0,
                        report.checking().toMillis() / 1000.0,
                        report.loading().toMillis() / 1000.0,
                        report.keysPerSecond());
        if (report.functionLibraries() > 0) {
            err().println("warning: backup " + manifest.id() + " holds " + report.functionLibraries()
                    + " function libraries, which were not loaded: load them with FUNCTION LOAD");
        }
    }

    private static boolean hasAof(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .anyMatch(name -> name.equals("appendonlydir") || name.endsWith(".aof"));
        } catch (IOException unreadable) {
            return false;
        }
    }
}
