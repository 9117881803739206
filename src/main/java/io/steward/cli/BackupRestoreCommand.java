package io.steward.cli;

import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupReader;
import io.steward.backup.BackupStore;
import io.steward.backup.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Download a backup, verify it, and write it as DIR/dump.rdb (atomically: the file appears",
            "whole or not at all). An existing dump.rdb is replaced only with --force."
        })
final class BackupRestoreCommand extends StoredBackupsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "BACKUP_ID", description = "The backup (see steward backup list).")
    String id;

    @Option(names = "--to-dir", paramLabel = "DIR", required = true, description = "Where to write dump.rdb.")
    Path dir;

    @Option(names = "--force", description = "Replace an existing dump.rdb.")
    boolean force;

    BackupRestoreCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("--to-dir: " + dir + " is not a directory");
        }
        BackupSettings settings = backupSettings();
        try (BackupStore store = settings.openExistingStore()) {
            Manifest manifest = find(new BackupCatalog(store), store, id);
            Path written = new BackupReader(store).restore(manifest, dir, force, TerminalProgress.on(err()));
            out().printf(
                            "restored backup %s of %s (%s, taken %s) to %s; verified%n",
                            manifest.id(),
                            manifest.target(),
                            Sizes.human(manifest.rdb().size()),
                            manifest.startedAt(),
                            written);
        }
        err().println("note: Redis loads dump.rdb at start only when appendonly is no. With appendonly yes it loads"
                + " the AOF instead and ignores this file: start it once with --appendonly no, then run"
                + " CONFIG SET appendonly yes (Redis writes a new AOF from the data) and set appendonly yes in its"
                + " config.");
        if (hasAof(dir)) {
            err().println("warning: " + dir + " holds AOF files (appendonlydir or *.aof); a Redis started there with"
                    + " appendonly yes would load them, not the restored dump.rdb. Move them away first.");
        }
        return 0;
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
