package io.steward.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupStore;
import io.steward.backup.DrillFailure;
import io.steward.backup.DrillMetrics;
import io.steward.backup.DrillResult;
import io.steward.backup.Manifest;
import io.steward.backup.RestoreDrill;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "drill",
        mixinStandardHelpOptions = true,
        description = {
            "Prove backups restorable: download the newest complete backup of a target (or the backup",
            "BACKUP_ID), verify it as verify does, count its keys per database, load it into a scratch",
            "redis-server on a free loopback port (the one on PATH, or --redis-server; none: parse only),",
            "and compare the keys with the manifest's. Without --target or BACKUP_ID, every target of the",
            "config with a backup: section. Exit 1 when a drill fails."
        })
final class BackupDrillCommand extends StoredBackupsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "BACKUP_ID", arity = "0..1", description = "The backup (see steward backup list).")
    String id;

    @Option(names = "--target", paramLabel = "NAME", description = "Drill the newest complete backup of this target.")
    String target;

    @Option(
            names = "--redis-server",
            paramLabel = "PATH|none",
            description = "The redis-server to load into (default: backup.drill.redis-server, else the one on PATH);"
                    + " none parses the RDB only.")
    String redisServer;

    @Option(names = "--json", description = "Print the drills as a JSON array.")
    boolean json;

    BackupDrillCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() throws JsonProcessingException {
        if (id != null && target != null) {
            throw new ConfigException("--target: give --target NAME or a BACKUP_ID, not both");
        }
        DrillBinary flag =
                redisServer == null ? null : DrillBinary.given(redisServer, "--redis-server", "--redis-server");
        Settings settings = settings();
        List<Target> configured = settings.configuredTargets(REDIS_TIMEOUT);
        BackupSettings backups = settings.backups(storageFlag(), storageFlagName(), configured);
        List<String> targets =
                id != null ? List.of() : target != null ? List.of(target) : backedUp(settings, backups, configured);
        List<DrillResult> results = new ArrayList<>();
        try (BackupStore store = backups.openExistingStore();
                RedisConnector connector = new RedisConnector(REDIS_TIMEOUT)) {
            RestoreDrill drill = new RestoreDrill(
                    store,
                    backups.keys(),
                    connector::openScratchServer,
                    new DrillMetrics(new SimpleMeterRegistry()),
                    Clock.systemUTC(),
                    scratchRoot());
            if (id != null) {
                Manifest manifest = find(new BackupCatalog(store), store, id);
                results.add(drill.drill(
                        manifest, binary(flag, backups, manifest.target()).path(), TerminalProgress.on(err())));
            }
            for (String name : targets) {
                results.add(drill.drill(name, binary(flag, backups, name).path(), TerminalProgress.on(err())));
            }
        }
        print(results);
        if (results.stream().allMatch(result -> result.reason() == DrillFailure.STORE)) {
            return Main.COULD_NOT_RUN; // the store could not be read: nothing was drilled
        }
        List<DrillResult> failed =
                results.stream().filter(result -> !result.passed()).toList();
        if (!failed.isEmpty() && failed.stream().allMatch(result -> result.reason() == DrillFailure.KEY_MISSING)) {
            return Main.USAGE; // the backups are encrypted under keys the config lacks: a configuration mistake
        }
        return failed.isEmpty() ? 0 : Main.FAILED;
    }

    /** Where the scratch servers' directories go: {@code TMPDIR}, else the JVM's temp directory. */
    private Path scratchRoot() {
        String tmp = env.get("TMPDIR");
        return Path.of(tmp != null && !tmp.isBlank() ? tmp : System.getProperty("java.io.tmpdir"));
    }

    /** Every target of the config with a {@code backup:} section, in the file's order. */
    private static List<String> backedUp(Settings settings, BackupSettings backups, List<Target> configured) {
        List<String> names = configured.stream()
                .map(Target::name)
                .filter(name -> backups.options().containsKey(name))
                .toList();
        if (names.isEmpty()) {
            throw new ConfigException("give --target NAME or a BACKUP_ID: "
                    + (settings.file().exists()
                            ? settings.file().name() + " has no target with a backup: section"
                            : "there is no config file (--config FILE or STEWARD_CONFIG) to take the targets from"));
        }
        return names;
    }

    private boolean notedMissing;

    /** The flag's binary, else the target's configured one, else PATH's; a missing one is said once. */
    private DrillBinary binary(DrillBinary flag, BackupSettings backups, String target) {
        DrillBinary binary = flag != null ? flag : backups.drillBinary(target, env);
        if (binary.missing() && !notedMissing) {
            notedMissing = true;
            err().println("note: no redis-server on PATH: the drill parses the RDB only. Give --redis-server PATH (or"
                    + " backup.drill.redis-server) to load it into a scratch server, or --redis-server none to say so");
        }
        return binary;
    }

    private void print(List<DrillResult> results) throws JsonProcessingException {
        if (json) {
            out().println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(results.stream().map(Entry::of).toList()));
            return;
        }
        for (DrillResult result : results) {
            out().println(line(result));
            if (result.parts().size() > 1) {
                for (DrillResult.Part part : result.parts()) {
                    out().println("  " + part.name() + ": " + keys(part.databases())
                            + (part.passed() ? "" : ": FAILED (" + part.reason().label() + ")"));
                }
            }
        }
    }

    /** {@code shop: backup <id>, redis-server, db0 997 of 1000 keys loaded (3 expired), 0.4 s: PASSED; ...}. */
    static String line(DrillResult result) {
        List<String> fields = new ArrayList<>();
        fields.add(result.backupId() == null ? "no backup" : "backup " + result.backupId());
        fields.add(result.mode().label());
        if (!result.databases().isEmpty()) {
            fields.add(keys(List.copyOf(result.databases().values())));
        }
        fields.add(String.format(Locale.ROOT, "%.1f s", result.took().toMillis() / 1000.0));
        String outcome = result.passed()
                ? "PASSED (" + result.message() + "; per-key digests: " + result.perKeyDigests() + ")"
                : "FAILED (" + result.reason().label() + "): " + result.message();
        return (result.target() == null ? "?" : result.target()) + ": " + String.join(", ", fields) + ": " + outcome;
    }

    private static String keys(List<DrillResult.DatabaseCount> databases) {
        if (databases.isEmpty()) {
            return "no keys";
        }
        return databases.stream()
                .map(db -> "db" + db.db() + " "
                        + (db.loaded().isPresent()
                                ? db.loaded().getAsLong() + " of " + db.parsed() + " keys loaded"
                                : db.parsed() + " keys")
                        + (db.expired() > 0 ? " (" + db.expired() + " expired)" : "")
                        + (db.expected() != db.parsed() ? " (manifest: " + db.expected() + ")" : ""))
                .collect(Collectors.joining(", "));
    }

    /** One drill in {@code --json}; {@code shards} only for a Cluster's backup set. */
    record Entry(
            String target,
            String backupId,
            String mode,
            boolean passed,
            String reason,
            String message,
            double durationSeconds,
            List<Database> databases,
            String perKeyDigests,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<Shard> shards) {

        static Entry of(DrillResult result) {
            return new Entry(
                    result.target(),
                    result.backupId(),
                    result.mode().label(),
                    result.passed(),
                    result.passed() ? null : result.reason().label(),
                    result.message(),
                    result.took().toNanos() / 1e9,
                    Database.of(List.copyOf(result.databases().values())),
                    result.perKeyDigests(),
                    result.parts().size() > 1
                            ? result.parts().stream().map(Shard::of).toList()
                            : null);
        }
    }

    /** @param loaded null when the drill only parsed */
    record Database(String db, long expected, long parsed, long expired, Long loaded) {
        static List<Database> of(List<DrillResult.DatabaseCount> counts) {
            return counts.stream()
                    .map(c -> new Database(
                            "db" + c.db(),
                            c.expected(),
                            c.parsed(),
                            c.expired(),
                            c.loaded().isPresent() ? c.loaded().getAsLong() : null))
                    .toList();
        }
    }

    record Shard(String name, boolean passed, String reason, String message, List<Database> databases) {
        static Shard of(DrillResult.Part part) {
            return new Shard(
                    part.name(),
                    part.passed(),
                    part.passed() ? null : part.reason().label(),
                    part.message(),
                    Database.of(part.databases()));
        }
    }
}
