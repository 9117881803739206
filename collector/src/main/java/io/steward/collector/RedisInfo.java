package io.steward.collector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The parsed reply of {@code INFO}: every section and field as the server sent it, in order.
 * Field names are unique across sections in every Redis and Valkey release, so lookups by field
 * name do not need the section.
 */
public record RedisInfo(Map<String, Map<String, String>> sections) {

    public RedisInfo {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        sections.forEach(
                (name, fields) -> copy.put(name, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields))));
        sections = java.util.Collections.unmodifiableMap(copy);
    }

    /** This INFO with the given sections added, or replacing sections of the same name. */
    public RedisInfo withSections(Map<String, Map<String, String>> extra) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>(sections);
        merged.putAll(extra);
        return new RedisInfo(merged);
    }

    /** Fields of one section ({@code "server"}, {@code "keyspace"}, ...), empty when absent. */
    public Map<String, String> section(String name) {
        return sections.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), Map.of());
    }

    public Optional<String> get(String field) {
        for (Map<String, String> fields : sections.values()) {
            String value = fields.get(field);
            if (value != null) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The field as a number, with status words mapped to 1 and 0; empty when absent or not numeric. */
    public OptionalDouble number(String field) {
        return Numbers.number(get(field).orElse(null));
    }

    public String text(String field, String fallback) {
        return get(field).orElse(fallback);
    }

    public String version() {
        return get("redis_version").or(() -> get("valkey_version")).orElse("unknown");
    }
}
