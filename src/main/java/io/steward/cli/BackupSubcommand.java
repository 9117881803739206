package io.steward.cli;

import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupStore;
import io.steward.backup.Manifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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

    /** The name of that flag, for messages. */
    abstract String storageFlagName();

    Settings settings() {
        return Settings.load(env, config);
    }

    /** The backup part of the settings, for the commands that need no Redis. */
    BackupSettings backupSettings() {
        Settings settings = settings();
        return settings.backups(storageFlag(), storageFlagName(), settings.configuredTargets(REDIS_TIMEOUT));
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
