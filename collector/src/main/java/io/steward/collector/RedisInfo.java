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
public final class RedisInfo {

    /** Unmodifiable, and so are its sections: they can be shared between INFO replies without a copy. */
    private final Map<String, Map<String, String>> sections;

    private RedisInfo(Map<String, Map<String, String>> sections) {
        this.sections = sections;
    }

    /** What {@link InfoParser} built: its maps are this INFO's own, so they are wrapped, not copied (once a poll). */
    static RedisInfo adopt(Map<String, Map<String, String>> sections) {
        sections.replaceAll((name, fields) -> java.util.Collections.unmodifiableMap(fields));
        return new RedisInfo(java.util.Collections.unmodifiableMap(sections));
    }

    public Map<String, Map<String, String>> sections() {
        return sections;
    }

    /** This INFO with sections of another INFO added, or replacing sections of the same name; shared, not copied. */
    RedisInfo withSections(Map<String, Map<String, String>> fromAnotherInfo) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>(sections);
        merged.putAll(fromAnotherInfo);
        return new RedisInfo(java.util.Collections.unmodifiableMap(merged));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RedisInfo info && info.sections.equals(sections);
    }

    @Override
    public int hashCode() {
        return sections.hashCode();
    }

    @Override
    public String toString() {
        return "RedisInfo" + sections.keySet();
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
