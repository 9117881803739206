package io.steward.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code INFO keyspace}: the logical databases that hold keys, in the server's order. */
public record Keyspace(List<Database> databases) {

    /**
     * One database line, {@code db0:keys=10,expires=2,avg_ttl=1000}.
     *
     * @param avgTtlMillis the average TTL of the keys that have one, 0 when none do
     */
    public record Database(int index, long keys, long expires, long avgTtlMillis) {
        public String name() {
            return "db" + index;
        }
    }

    public Keyspace {
        databases = List.copyOf(databases);
    }

    public Optional<Database> database(int index) {
        return databases.stream().filter(db -> db.index() == index).findFirst();
    }

    public long totalKeys() {
        return databases.stream().mapToLong(Database::keys).sum();
    }

    /**
     * A line whose index or key count is not a number is left out, as if the server had not sent it; so is one whose
     * index is not written as Redis writes it ({@code db+1}, {@code db01}, {@code db4294967296}), which would
     * otherwise be listed under another database's name.
     */
    static Keyspace from(RedisInfo info) {
        List<Database> databases = new ArrayList<>();
        info.section("keyspace").forEach((field, value) -> {
            OptionalInt index = index(field);
            if (index.isEmpty()) {
                return;
            }
            Map<String, String> fields = InfoParser.nested(value);
            Numbers.wholeNumber(fields.get("keys"))
                    .ifPresent(keys -> databases.add(new Database(
                            index.getAsInt(),
                            keys,
                            Numbers.wholeNumber(fields.get("expires")).orElse(0),
                            Numbers.wholeNumber(fields.get("avg_ttl")).orElse(0))));
        });
        return new Keyspace(databases);
    }

    /** The index of {@code db<index>}, when the rest is the decimal digits of a database's index and nothing else. */
    private static OptionalInt index(String field) {
        if (!field.startsWith("db") || field.length() < 3 || field.length() > 12) {
            return OptionalInt.empty();
        }
        String digits = field.substring(2);
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9') || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return OptionalInt.empty();
        }
        long index = Long.parseLong(digits);
        return index > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) index);
    }
}
