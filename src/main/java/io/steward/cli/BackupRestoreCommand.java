package io.steward.cli;

import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupReader;
import io.steward.backup.BackupStore;
import io.steward.backup.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            "whole or not at all). An existing dump.rdb is replaced only with --force, and nothing is",
            "written while a redis-server works in DIR unless --even-if-running is given. A cluster's backup set",
            "is written as DIR/shard-N/dump.rdb, each with the slot ranges of its shard in DIR/shard-N/slots.txt."
        })
final class BackupRestoreCommand extends StoredBackupsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "BACKUP_ID", description = "The backup (see steward backup list).")
    String id;

    @Option(names = "--to-dir", paramLabel = "DIR", required = true, description = "Where to write dump.rdb.")
    Path dir;

    @Option(names = "--force", description = "Replace an existing dump.rdb.")
    boolean force;

    @Option(
            names = "--even-if-running",
            description = "Write dump.rdb even while a redis-server works in DIR (it loads the file only at start"
                    + " and writes its own over it when it saves).")
    boolean evenIfRunning;

    BackupRestoreCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("--to-dir: " + dir + " is not a directory");
        }
        refuseWhileRedisWorksIn(dir);
        BackupSettings settings = backupSettings();
        try (BackupStore store = settings.openExistingStore()) {
            Manifest manifest = find(new BackupCatalog(store), store, id);
            if (manifest.isSet()) {
                return restoreSet(new BackupReader(store), manifest);
            }
            Path written = new BackupReader(store).restore(manifest, dir, force, TerminalProgress.on(err()));
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

    private static boolean hasAof(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .anyMatch(name -> name.equals("appendonlydir") || name.endsWith(".aof"));
        } catch (IOException unreadable) {
            return false;
        }
    }
}
