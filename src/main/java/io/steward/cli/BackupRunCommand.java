package io.steward.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.backup.BackupException;
import io.steward.backup.BackupMetrics;
import io.steward.backup.BackupOptions;
import io.steward.backup.BackupRunner;
import io.steward.backup.BackupStore;
import io.steward.backup.Manifest;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Take a backup now: the RDB (over replication, or BGSAVE and its file), verified, compressed,",
            "uploaded, then the manifest.",
            "Say which Redis: --target NAME (repeatable), --redis URI, or --all (every target of the config).",
            "A Sentinel group is copied from a replica in good standing (backup.prefer); a cluster is backed up",
            "as one backup set of an RDB per shard."
        })
final class BackupRunCommand extends BackupSubcommand implements Callable<Integer> {

    @Option(names = "--target", paramLabel = "NAME", description = "The config's target of this name, repeatable.")
    List<String> targetNames = new ArrayList<>();

    @Option(names = "--redis", paramLabel = "URI", description = "A Redis not in the config: redis://host:port.")
    String redis;

    @Option(names = "--all", description = "Every target of the config file.")
    boolean all;

    @Option(
            names = "--to",
            paramLabel = "URL",
            description = "Where to store: s3://bucket/prefix or file:///dir "
                    + "(env STEWARD_STORAGE_URL; default storage.url, then file:./backups).")
    String to;

    @Option(
            names = "--source",
            paramLabel = "auto|replication|local",
            description = "Where the RDB comes from (default: the target's backup.source, then auto):"
                    + " replication takes it over the network as a replica would; local runs BGSAVE and reads"
                    + " the file, on the Redis host; auto is local when the Redis directory is readable here.")
    BackupOptions.Source source;

    @Option(
            names = "--allow-migrating",
            description = "Take a cluster's backup set even while slots are migrating or importing (their keys may"
                    + " then be in two shards' RDBs, or in none).")
    boolean allowMigrating;

    @Mixin
    ConnectionOptions connection;

    BackupRunCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    String storageFlag() {
        return to;
    }

    @Override
    String storageFlagName() {
        return "--to";
    }

    @Override
    public Integer call() {
        Settings resolved = settings();
        List<Target> configured = resolved.configuredTargets(REDIS_TIMEOUT);
        List<Target> chosen = chosen(resolved, configured);
        BackupSettings settings = resolved.backups(to, storageFlagName(), configured);
        int exitCode = 0;
        try (BackupStore store = settings.openStore();
                RedisConnector connector = new RedisConnector(REDIS_TIMEOUT);
                BackupLocks locks = BackupLocks.of(settings.scheduleStore())) {
            // The metrics of a one-off backup go nowhere: the agent's /metrics reports its scheduled backups.
            Clock clock = Clock.systemUTC();
            BackupRunner runner = new BackupRunner(
                    connector::openSaveControl,
                    GroupSurveys.polledBy(connector, clock),
                    store,
                    settings.compression(),
                    settings.keys(),
                    new BackupMetrics(new SimpleMeterRegistry()),
                    clock,
                    locks.lock(),
                    BuildInfo.version());
            for (Target each : chosen) {
                long start = System.nanoTime();
                try {
                    Manifest manifest = runner.run(each, options(settings, each), TerminalProgress.on(err()));
                    out().printf(
                                    "backup %s of %s: %sRDB %s stored as %s in %s/%s/ (%.1f s)%n",
                                    manifest.id(),
                                    manifest.target(),
                                    manifest.isSet() ? manifest.shards().size() + " shards, " : "",
                                    Sizes.human(manifest.rdbSize()),
                                    Sizes.human(manifest.storedSize()),
                                    store.location().replaceAll("/+$", ""),
                                    manifest.directory(),
                                    Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0);
                } catch (BackupException failure) {
                    err().println("steward: " + failure.getMessage());
                    exitCode = Math.max(exitCode, failure.reason().couldNotRun() ? Main.COULD_NOT_RUN : Main.FAILED);
                }
            }
        }
        return exitCode;
    }

    private BackupOptions options(BackupSettings settings, Target each) {
        BackupOptions configured = settings.options(each).allowingMigrating(allowMigrating);
        return source == null ? configured : configured.withSource(source);
    }

    /**
     * --redis, --target or --all, and nothing by default: a backup forks the server (BGSAVE), so the command is
     * told which one.
     */
    private List<Target> chosen(Settings settings, List<Target> configured) {
        int ways = (redis != null ? 1 : 0) + (targetNames.isEmpty() ? 0 : 1) + (all ? 1 : 0);
        if (ways > 1) {
            throw new ConfigException("give one of --target, --redis and --all");
        }
        if (redis != null) {
            UriTargets how = settings.uriTargets(connection, Target.DEFAULT_POLL_INTERVAL, REDIS_TIMEOUT);
            return List.of(how.target(redis, "--redis"));
        }
        if (!targetNames.isEmpty()) {
            return settings.named(targetNames.stream().distinct().toList(), configured);
        }
        if (all && !configured.isEmpty()) {
            return configured;
        }
        String ask = all
                ? "--all: "
                : "say which Redis to back up: --target NAME (repeatable), --redis URI, or --all for every target"
                        + " of the config; ";
        if (!settings.file().exists()) {
            throw new ConfigException(
                    ask + "no config file is given (--config FILE or STEWARD_CONFIG), so give --redis URI");
        }
        if (configured.isEmpty()) {
            throw new ConfigException(ask + settings.file().name() + " has no targets, so give --redis URI");
        }
        throw new ConfigException(ask + "the targets of " + settings.file().name() + ": "
                + String.join(", ", configured.stream().map(Target::name).toList()));
    }
}
