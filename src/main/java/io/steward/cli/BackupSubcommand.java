package io.steward.cli;

import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupStore;
import io.steward.backup.Manifest;
import io.steward.collector.Target;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What every {@code steward backup} subcommand shares: the config file, the storage URL, the environment. */
abstract class BackupSubcommand {

    static final Duration REDIS_TIMEOUT = Duration.ofSeconds(5);

    protected final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (env STEWARD_CONFIG).")
    Path config;

    BackupSubcommand(Map<String, String> env) {
        this.env = env;
    }

    /** The storage URL given on this command's own flag, or null. */
    abstract String storageFlag();

    StewardConfig loadConfig() {
        Path file = config != null
                ? config
                : env.get("STEWARD_CONFIG") == null || env.get("STEWARD_CONFIG").isBlank()
                        ? null
                        : Path.of(env.get("STEWARD_CONFIG"));
        return file == null ? StewardConfig.empty() : new ConfigLoader().load(file);
    }

    TargetFactory targetFactory() {
        return new TargetFactory(env, REDIS_TIMEOUT);
    }

    /** The config file's targets, in order. */
    List<Target> configuredTargets(StewardConfig file) {
        TargetFactory factory = targetFactory();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < file.targets().size(); i++) {
            targets.add(factory.fromEntry(file.targets().get(i), i));
        }
        return targets;
    }

    BackupSettings settings(StewardConfig file) {
        return BackupSettings.of(file, env, storageFlag(), configuredTargets(file));
    }

    /** The backup with this id, or a usage error that says where to find the ids. */
    static Manifest find(BackupCatalog catalog, BackupStore store, String id) {
        return catalog.find(id)
                .orElseThrow(() -> new ConfigException("BACKUP_ID: no backup '" + id + "' in " + store.location()
                        + " (steward backup list shows the ids)"));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
