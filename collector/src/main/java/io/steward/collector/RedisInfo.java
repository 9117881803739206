package io.steward.collector;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The parsed reply of {@code INFO}: every section and field as the server sent it, in order.
 * Field names are unique across sections in every Redis and Valkey release, so lookups by field
 * name do not need the section.
 *
 * <p>An agent keeps a few replies of every target, so a reply holds only its values, one after another in one
 * string; the names and their index are its {@link InfoLayout}, which the replies of one shape share. The maps it
 * hands out are unmodifiable views.
 */
public final class RedisInfo {

    private final InfoLayout layout;
    /** Every field's value, one after another. */
    private final String values;
    /** Where each field's value ends in {@link #values}. */
    private final int[] ends;

    private RedisInfo(InfoLayout layout, String values, int[] ends) {
        this.layout = layout;
        this.values = values;
        this.ends = ends;
    }

    /** The sections as parsed, in order, laid out by one of {@code layouts}. */
    static RedisInfo of(Map<String, Map<String, String>> sections, InfoLayouts layouts) {
        String[] names = new String[sections.size()];
        int[] sectionEnds = new int[names.length];
        int count = sections.values().stream().mapToInt(Map::size).sum();
        String[] fields = new String[count];
        int[] ends = new int[count];
        StringBuilder values = new StringBuilder(count * 12);
        int section = 0;
        int field = 0;
        for (Map.Entry<String, Map<String, String>> entry : sections.entrySet()) {
            names[section] = entry.getKey();
            for (Map.Entry<String, String> value : entry.getValue().entrySet()) {
                fields[field] = value.getKey();
                values.append(value.getValue());
                ends[field++] = values.length();
            }
            sectionEnds[section++] = field;
        }
        return new RedisInfo(layouts.of(names, sectionEnds, fields), values.toString(), ends);
    }

    /** Every section, in order. */
    public Map<String, Map<String, String>> sections() {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        for (int i = 0; i < layout.sectionCount(); i++) {
            sections.put(layout.section(i), new Section(i));
        }
        return Collections.unmodifiableMap(sections);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RedisInfo info
                && info.layout.equals(layout)
                && info.values.equals(values)
                && Arrays.equals(info.ends, ends);
    }

    @Override
    public int hashCode() {
        return layout.hashCode() * 31 + values.hashCode();
    }

    @Override
    public String toString() {
        return "RedisInfo" + sections().keySet();
    }

    /** Fields of one section ({@code "server"}, {@code "keyspace"}, ...), empty when absent. */
    public Map<String, String> section(String name) {
        int section = layout.sectionIndex(name.toLowerCase(Locale.ROOT));
        return section < 0 ? Map.of() : new Section(section);
    }

    public Optional<String> get(String field) {
        int index = layout.indexOf(field);
        return index < 0 ? Optional.empty() : Optional.of(value(index));
    }

    /** The field as a number, with status words mapped to 1 and 0; empty when absent or not numeric. */
    public OptionalDouble number(String field) {
        int index = layout.indexOf(field);
        return index < 0 ? OptionalDouble.empty() : Numbers.number(value(index));
    }

    public String text(String field, String fallback) {
        int index = layout.indexOf(field);
        return index < 0 ? fallback : value(index);
    }

    public String version() {
        return get("redis_version").or(() -> get("valkey_version")).orElse("unknown");
    }

    private String value(int index) {
        return values.substring(index == 0 ? 0 : ends[index - 1], ends[index]);
    }

    /** One section's fields, read through the layout. */
    private final class Section extends AbstractMap<String, String> {
        private final int from;
        private final int to;

        Section(int section) {
            this.from = layout.sectionStart(section);
            this.to = layout.sectionEnd(section);
        }

        @Override
        public String get(Object key) {
            int index = key instanceof String field ? layout.indexOf(field, from, to) : -1;
            return index < 0 ? null : value(index);
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String field && layout.indexOf(field, from, to) >= 0;
        }

        @Override
        public int size() {
            return to - from;
        }

        @Override
        public Set<Map.Entry<String, String>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, String>> iterator() {
                    return new Iterator<>() {
                        private int next = from;

                        @Override
                        public boolean hasNext() {
                            return next < to;
                        }

                        @Override
                        public Map.Entry<String, String> next() {
                            if (next >= to) {
                                throw new NoSuchElementException();
                            }
                            int index = next++;
                            return new SimpleImmutableEntry<>(layout.field(index), value(index));
                        }
                    };
                }

                @Override
                public int size() {
                    return to - from;
                }
            };
        }
    }
}
