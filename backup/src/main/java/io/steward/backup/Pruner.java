package io.steward.backup;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy} per target, and removes leftovers of backups that never got their manifest
 * and aborts uploads never finished (both older than an hour, so a backup being written by another agent is left
 * alone). A backup's manifest is deleted
 * before its data, so a prune cut short leaves a leftover, never a listed backup without data.
 */
public final class Pruner {

    private static final Logger logger = LoggerFactory.getLogger(Pruner.class);
    static final Duration LEFTOVER_AGE = Duration.ofHours(1);

    private final BackupStore store;
    private final BackupCatalog catalog;
    private final RetentionPolicy policy;
    private final Clock clock;

    public Pruner(BackupStore store, RetentionPolicy policy, Clock clock) {
        this.store = store;
        this.catalog = new BackupCatalog(store);
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * What a prune would do: per backup, keep or delete and why; the leftovers of backups without a manifest, and
     * uploads that were never finished, that it would remove.
     */
    public record Plan(
            List<RetentionPolicy.Decision> decisions, List<StoredObject> leftovers, List<UnfinishedUpload> unfinished) {
        public List<Manifest> deletions() {
            return decisions.stream()
                    .filter(d -> !d.keep())
                    .map(RetentionPolicy.Decision::backup)
                    .toList();
        }
    }

    public Plan plan(Optional<String> target) {
        Map<String, List<Manifest>> byTarget = new LinkedHashMap<>();
        for (Manifest backup : catalog.list(target)) {
            byTarget.computeIfAbsent(backup.target(), t -> new ArrayList<>()).add(backup);
        }
        List<RetentionPolicy.Decision> decisions = new ArrayList<>();
        byTarget.values().forEach(backups -> decisions.addAll(policy.apply(backups)));
        if (target.isPresent()) {
            return new Plan(decisions, List.of(), List.of());
        }
        java.time.Instant before = clock.instant().minus(LEFTOVER_AGE);
        return new Plan(decisions, catalog.leftovers(before), store.unfinishedUploads(before));
    }

    public void execute(Plan plan) {
        for (Manifest backup : plan.deletions()) {
            List<String> keys = new ArrayList<>(catalog.objectsOf(backup));
            String manifest = keys.remove(keys.size() - 1);
            store.delete(List.of(manifest));
            store.delete(keys);
            logger.info("pruned backup {} of {} ({})", backup.id(), backup.target(), backup.startedAt());
        }
        if (!plan.leftovers().isEmpty()) {
            store.delete(plan.leftovers().stream().map(StoredObject::key).toList());
            logger.info(
                    "removed {} object(s) of incomplete backups",
                    plan.leftovers().size());
        }
        for (UnfinishedUpload upload : plan.unfinished()) {
            store.abort(upload);
            logger.info("aborted the unfinished upload of {} begun {}", upload.key(), upload.initiated());
        }
    }
}
