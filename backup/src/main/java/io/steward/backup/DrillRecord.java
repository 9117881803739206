package io.steward.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a drill found, kept beside the backup it drilled ({@code <target>/<id>/drill-<stamp>.json}, pruned with it):
 * so an agent that starts, or any agent sharing the schedule, knows when the target's backups last proved
 * restorable, not only the agent that happened to run the drill.
 *
 * @param reason the failure's label, absent for a drill that passed
 */
public record DrillRecord(
        int schemaVersion,
        String target,
        String backupId,
        String drilledAt,
        boolean passed,
        String reason,
        String mode,
        double durationSeconds) {

    static final int SCHEMA_VERSION = 1;
    private static final String PREFIX = "drill-";
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    static DrillRecord of(DrillResult result, Instant finished) {
        return new DrillRecord(
                SCHEMA_VERSION,
                result.target(),
                result.backupId(),
                finished.toString(),
                result.passed(),
                result.passed() ? null : result.reason().label(),
                result.mode().label(),
                result.took().toNanos() / 1e9);
    }

    Instant drilled() {
        return Instant.parse(drilledAt);
    }

    /** Where it is kept: in the backup's directory, under a name of its own (agents may drill the same second). */
    String key(Instant finished) {
        return BackupLayout.key(target, backupId, PREFIX + BackupLayout.newId(finished) + ".json");
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** The newest drill that passed among the records kept beside these backups (newest backups first). */
    static Optional<DrillRecord> newestPassed(BackupStore store, List<Manifest> backups) {
        for (Manifest backup : backups) {
            String dir = BackupLayout.key(backup.target(), backup.id(), PREFIX);
            Optional<DrillRecord> passed = store.list(dir).stream()
                    .map(object -> read(store, object.key()))
                    .flatMap(Optional::stream)
                    .filter(DrillRecord::passed)
                    .max(Comparator.comparing(DrillRecord::drilled));
            if (passed.isPresent()) {
                return passed;
            }
        }
        return Optional.empty();
    }

    private static Optional<DrillRecord> read(BackupStore store, String key) {
        try (InputStream in = store.open(key)) {
            return Optional.of(JSON.readValue(in.readAllBytes(), DrillRecord.class));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // a record that cannot be read proves nothing
        }
    }
}
