package io.steward.collector;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reply of {@code MEMORY STATS}: top-level numeric fields by their Redis names
 * ({@code peak.allocated}, {@code dataset.percentage}, ...) and the per-database overheads
 * ({@code db.0 -> overhead.hashtable.main}, ...).
 */
public record MemoryStats(Map<String, Double> values, Map<String, Map<String, Double>> databases) {

    public MemoryStats {
        values = Map.copyOf(values);
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        databases.forEach((db, fields) -> copy.put(db, Map.copyOf(fields)));
        databases = java.util.Collections.unmodifiableMap(copy);
    }

    public static MemoryStats empty() {
        return new MemoryStats(Map.of(), Map.of());
    }
}
