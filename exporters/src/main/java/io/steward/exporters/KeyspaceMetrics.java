package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.Keyspace;
import io.steward.collector.Snapshot;
import java.util.Optional;

/**
 * Keys per database. Like redis_exporter, every database up to {@code databases} appears, empty ones with
 * zero, so a panel does not lose its line when a database is flushed.
 */
final class KeyspaceMetrics {

    private static final int DEFAULT_DATABASES = 16;

    private KeyspaceMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        Keyspace keyspace = snapshot.keyspace();
        int databases = snapshot.info().text("redis_mode", "").equals("cluster")
                ? 1
                : (int) snapshot.config()
                        .optional()
                        .map(config -> config.number("databases").orElse(DEFAULT_DATABASES))
                        .orElse((long) DEFAULT_DATABASES)
                        .longValue();
        int highest = keyspace.databases().stream()
                .mapToInt(Keyspace.Database::index)
                .max()
                .orElse(-1);
        for (int db = 0; db < Math.max(databases, highest + 1); db++) {
            Optional<Keyspace.Database> present = keyspace.database(db);
            Labels dbLabels = labels.add("db", "db" + db);
            out.gauge(
                    "redis_db_keys",
                    "Total number of keys by DB",
                    dbLabels,
                    present.map(Keyspace.Database::keys).orElse(0L));
            out.gauge(
                    "redis_db_keys_expiring",
                    "Total number of expiring keys by DB",
                    dbLabels,
                    present.map(Keyspace.Database::expires).orElse(0L));
            present.ifPresent(database -> out.gauge(
                    "redis_db_avg_ttl_seconds", "Avg TTL in seconds", dbLabels, database.avgTtlMillis() / 1e3));
        }
    }
}
