package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.Labels;
import io.steward.collector.InfoParser;
import io.steward.collector.Snapshot;
import java.util.Map;

/**
 * Keys per database. Like redis_exporter, every database up to {@code databases} appears, empty ones with
 * zero, so a panel does not lose its line when a database is flushed.
 */
final class KeyspaceMetrics {

    private static final int DEFAULT_DATABASES = 16;

    private KeyspaceMetrics() {}

    static void write(Snapshot snapshot, Labels labels, MetricFamilies out) {
        Map<String, String> keyspace = snapshot.info().section("keyspace");
        int databases = (int) snapshot.config().number("databases").orElse(DEFAULT_DATABASES);
        if (snapshot.info().text("redis_mode", "").equals("cluster")) {
            databases = 1;
        }
        for (int db = 0; db < databases || keyspace.containsKey("db" + db); db++) {
            String name = "db" + db;
            Map<String, String> fields = InfoParser.nested(keyspace.getOrDefault(name, ""));
            Labels dbLabels = labels.add("db", name);
            out.gauge("redis_db_keys", "Total number of keys by DB", dbLabels, number(fields, "keys"));
            out.gauge(
                    "redis_db_keys_expiring",
                    "Total number of expiring keys by DB",
                    dbLabels,
                    number(fields, "expires"));
            if (keyspace.containsKey(name)) {
                out.gauge("redis_db_avg_ttl_seconds", "Avg TTL in seconds", dbLabels, number(fields, "avg_ttl") / 1e3);
            }
        }
    }

    static double number(Map<String, String> fields, String key) {
        String value = fields.get(key);
        return value == null ? 0 : InfoParser.toNumber(value).orElse(0);
    }
}
