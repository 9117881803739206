package io.steward.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Take, list, verify, restore, prune and drill backups of Redis.",
            "Backups go to storage.url of the config (s3://bucket/prefix or file:///dir; default file:./backups)."
        },
        subcommands = {
            BackupRunCommand.class,
            BackupListCommand.class,
            BackupVerifyCommand.class,
            BackupRestoreCommand.class,
            BackupPruneCommand.class,
            BackupDrillCommand.class
        })
final class BackupCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
