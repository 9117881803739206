package io.steward.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** A line whose index or key count is not a number is left out, as if the server had not sent it. */
    static Keyspace from(RedisInfo info) {
        List<Database> databases = new ArrayList<>();
        info.section("keyspace").forEach((field, value) -> {
            if (!field.startsWith("db")) {
                return;
            }
            Map<String, String> fields = InfoParser.nested(value);
            Numbers.wholeNumber(field.substring(2))
                    .ifPresent(index -> Numbers.wholeNumber(fields.get("keys"))
                            .ifPresent(keys -> databases.add(new Database(
                                    (int) index,
                                    keys,
                                    Numbers.wholeNumber(fields.get("expires")).orElse(0),
                                    Numbers.wholeNumber(fields.get("avg_ttl")).orElse(0)))));
        });
        return new Keyspace(databases);
    }
}
