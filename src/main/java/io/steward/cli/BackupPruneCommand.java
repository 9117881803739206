package io.steward.cli;

import io.steward.backup.BackupStore;
import io.steward.backup.Pruner;
import io.steward.backup.RetentionPolicy;
import io.steward.backup.StoredObject;
import io.steward.backup.UnfinishedUpload;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = {
            "Delete the backups the config's retention does not keep, per target, and the leftovers of",
            "backups that never got a manifest. The newest backup of each target is always kept."
        })
final class BackupPruneCommand extends StoredBackupsCommand implements Callable<Integer> {

    @Option(names = "--dry-run", description = "Print what would be deleted, delete nothing.")
    boolean dryRun;

    BackupPruneCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        BackupSettings settings = backupSettings();
        RetentionPolicy policy = settings.retention()
                .orElseThrow(() -> new ConfigException("retention: prune needs"
                        + " a retention section in the config, for example retention: {keep-last: 24, keep-daily: 7}"));
        try (BackupStore store = settings.openExistingStore()) {
            Pruner pruner = new Pruner(store, policy, Clock.systemUTC());
            Pruner.Plan plan = pruner.plan(Optional.empty());
            String verb = dryRun ? "would delete" : "delete";
            for (RetentionPolicy.Decision decision : plan.decisions()) {
                out().printf(
                                "%-12s %s  %s%s%n",
                                decision.keep() ? "keep" : verb,
                                decision.backup().id(),
                                decision.backup().target(),
                                decision.keep() ? "  (" + String.join(", ", decision.keptFor()) + ")" : "");
            }
            for (StoredObject leftover : plan.leftovers()) {
                out().printf("%-12s %s  (incomplete: no manifest)%n", verb, leftover.key());
            }
            for (UnfinishedUpload upload : plan.unfinished()) {
                out().printf(
                                "%-12s %s  (upload begun %s, never finished)%n",
                                dryRun ? "would abort" : "abort", upload.key(), upload.initiated());
            }
            if (dryRun) {
                out().println("dry run: nothing was deleted");
            } else {
                pruner.execute(plan);
            }
        }
        return 0;
    }
}
