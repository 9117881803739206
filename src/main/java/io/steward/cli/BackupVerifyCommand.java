package io.steward.cli;

import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupReader;
import io.steward.backup.BackupStore;
import io.steward.backup.Manifest;
import io.steward.backup.RdbDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Download a backup and check it against its manifest: SHA-256 of the stored object, then the",
            "RDB's header, CRC-64, SHA-256 and size; of a cluster's backup set, every shard's. Exit 1 on any",
            "mismatch."
        })
final class BackupVerifyCommand extends StoredBackupsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "BACKUP_ID", arity = "0..1", description = "The backup (see steward backup list).")
    String id;

    @Option(names = "--latest", description = "The newest backup (of --target, when given).")
    boolean latest;

    @Option(names = "--target", paramLabel = "NAME", description = "With --latest: the newest backup of this target.")
    String target;

    BackupVerifyCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        if ((id == null) == !latest) {
            throw new ConfigException("give a BACKUP_ID or --latest");
        }
        BackupSettings settings = backupSettings();
        try (BackupStore store = settings.openExistingStore()) {
            BackupCatalog catalog = new BackupCatalog(store);
            Manifest manifest = latest
                    ? catalog.list(Optional.ofNullable(target)).stream()
                            .findFirst()
                            .orElseThrow(() -> new ConfigException("--latest: no backups in " + store.location()
                                    + (target == null ? "" : " for target " + target)))
                    : find(catalog, store, id);
            List<BackupReader.Verified> verified =
                    new BackupReader(store, settings.keys()).verify(manifest, TerminalProgress.on(err()));
            if (!manifest.isSet()) {
                out().printf(
                                "backup %s of %s verified: %s%n",
                                manifest.id(),
                                manifest.target(),
                                describe(verified.get(0).rdb()));
                return 0;
            }
            out().printf(
                            "backup set %s of %s verified: %d shards%n",
                            manifest.id(), manifest.target(), verified.size());
            for (BackupReader.Verified shard : verified) {
                out().printf(
                                "  %s (slots %s): %s%n",
                                shard.part().name(),
                                String.join(" ", shard.part().slots()),
                                describe(shard.rdb()));
            }
        }
        return 0;
    }

    private static String describe(RdbDigest rdb) {
        return String.format(
                "RDB version %d, %s, CRC-64 %s, SHA-256 %s",
                rdb.rdbVersion(), Sizes.human(rdb.size()), rdb.crc64(), rdb.sha256());
    }
}
