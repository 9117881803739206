package io.steward.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupStore;
import io.steward.backup.Manifest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "List complete backups, newest first (a backup without its manifest is never listed).",
            "A cluster's backup set is one line: its shards' sizes summed."
        })
final class BackupListCommand extends StoredBackupsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    enum Format {
        text,
        json
    }

    @Option(names = "--target", paramLabel = "NAME", description = "Only this target's backups.")
    String target;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text or json (default ${DEFAULT-VALUE}).")
    Format format;

    BackupListCommand(Map<String, String> env) {
        super(env);
    }

    /**
     * One line of {@code -o json}. Of a backup set, the sizes are its shards' summed, {@code shards} lists them and
     * {@code object} is absent. {@code keyId} is the key an encrypted backup was taken under; absent when it is not
     * encrypted.
     */
    record Entry(
            String id,
            String target,
            String startedAt,
            String finishedAt,
            long rdbSize,
            long storedSize,
            String compression,
            String redisVersion,
            int rdbVersion,
            String status,
            @JsonInclude(JsonInclude.Include.NON_NULL) String object,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ShardEntry> shards,
            @JsonInclude(JsonInclude.Include.NON_NULL) String keyId) {

        static Entry of(Manifest m) {
            Manifest.Part first = m.parts().get(0);
            return new Entry(
                    m.id(),
                    m.target(),
                    m.startedAt(),
                    m.finishedAt(),
                    m.rdbSize(),
                    m.storedSize(),
                    first.stored().compression(),
                    m.redisVersion(),
                    first.rdb().version(),
                    "complete",
                    m.isSet() ? null : first.stored().object(),
                    m.isSet() ? m.shards().stream().map(ShardEntry::of).toList() : null,
                    first.stored().encrypted() ? first.stored().encryption().keyId() : null);
        }
    }

    /** One shard of a backup set in {@code -o json}: its slots, the node it came from, its sizes and object. */
    record ShardEntry(
            int shard,
            List<String> slots,
            String node,
            String role,
            long replicationOffset,
            long rdbSize,
            long storedSize,
            String object) {

        static ShardEntry of(Manifest.Shard shard) {
            return new ShardEntry(
                    shard.shard(),
                    shard.slots(),
                    shard.source().address(),
                    shard.source().role(),
                    shard.source().replicationOffset(),
                    shard.rdb().size(),
                    shard.stored().size(),
                    shard.stored().object());
        }
    }

    @Override
    public Integer call() throws Exception {
        BackupSettings settings = backupSettings();
        try (BackupStore store = settings.openExistingStore()) {
            List<Manifest> backups = new BackupCatalog(store).list(Optional.ofNullable(target));
            if (format == Format.json) {
                List<Entry> entries = backups.stream().map(Entry::of).toList();
                out().println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(entries));
                return 0;
            }
            if (backups.isEmpty()) {
                err().println("no backups in " + store.location() + (target == null ? "" : " for target " + target));
                return 0;
            }
            String row = "%-26s  %-20s  %-19s  %10s  %10s  %-8s  %s%n";
            out().printf(row, "ID", "TARGET", "STARTED (UTC)", "RDB", "STORED", "REDIS", "STATUS");
            for (Manifest m : backups) {
                out().printf(
                                row,
                                m.id(),
                                m.target(),
                                TIME.format(m.started()),
                                Sizes.human(m.rdbSize()),
                                Sizes.human(m.storedSize()),
                                m.redisVersion(),
                                m.isSet() ? "complete, " + m.shards().size() + " shards" : "complete");
            }
        }
        return 0;
    }
}
