package io.steward.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** A {@code steward backup} subcommand that works on stored backups: list, verify, restore, prune. */
abstract class StoredBackupsCommand extends BackupSubcommand {

    @Option(names = "--storage", paramLabel = "URL", description = "Where the backups are (default storage.url).")
    String storage;

    StoredBackupsCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    final String storageFlag() {
        return storage;
    }

    @Override
    final String storageFlagName() {
        return "--storage";
    }
}
