package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Bounded;
import io.steward.testing.Captures;
import io.steward.testing.Mutations;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * CONFIG GET of a real server, with values damaged: every typed reading of a value the agent cannot read is empty,
 * never an exception, and a parameter the agent does not know is kept as sent.
 */
class ServerConfigPropertiesTest {

    @SuppressWarnings("unchecked")
    private static final Map<String, String> REAL = read();

    @SuppressWarnings("unchecked")
    private static Map<String, String> read() {
        try {
            Map<String, String> values = new LinkedHashMap<>(
                    new ObjectMapper().readValue(Captures.text("redis-7.0/doctor/config.json"), Map.class));
            // The capture was taken before the agent read where the RDB goes; these are a 7.0 server's defaults.
            values.putIfAbsent("dir", "/var/lib/redis");
            values.putIfAbsent("dbfilename", "dump.rdb");
            return Map.copyOf(values);
        } catch (java.io.IOException unreadable) {
            throw new java.io.UncheckedIOException(unreadable);
        }
    }

    /** The real values, each of a few parameters replaced by a damaged copy of itself or an odd value. */
    @Provide
    Arbitrary<Map<String, String>> damagedConfigs() {
        Arbitrary<String> parameter = Arbitraries.oneOf(
                Arbitraries.of(REAL.keySet()), Arbitraries.of(ServerConfig.PARAMETERS), Mutations.oddText());
        // A damaged real value (of any parameter: the values' forms are few), or an odd one.
        Arbitrary<String> value =
                Arbitraries.oneOf(Mutations.mutatedText(java.util.List.copyOf(REAL.values())), Mutations.oddText());
        Arbitrary<Map.Entry<String, String>> change =
                Combinators.combine(parameter, value).as(Map::entry);
        return change.list().ofMinSize(1).ofMaxSize(10).map(changes -> {
            Map<String, String> values = new LinkedHashMap<>(REAL);
            changes.forEach(entry -> values.put(entry.getKey(), entry.getValue()));
            return values;
        });
    }

    @Property(tries = 500)
    void typedConfigReadingsNeverThrowOnMutatedRealValues(@ForAll("damagedConfigs") Map<String, String> values) {
        Bounded.returned(Bounded.run(() -> {
            ServerConfig config = new ServerConfig(values);
            ServerConfig.PARAMETERS.forEach(parameter -> {
                config.number(parameter);
                config.isYes(parameter);
            });
            assertThat(config.outputBufferLimits().size()).isLessThanOrEqualTo(values.size() * 64);
            config.savePoints();
            return config.rdbFile();
        }));
    }

    @net.jqwik.api.Example
    void aDirectoryNoPathCanHoldIsNoRdbFile() {
        Map<String, String> values = new LinkedHashMap<>(REAL);
        values.put("dir", "/var/lib/redis\u0000");

        assertThat(Bounded.returned(Bounded.run(() -> new ServerConfig(values).rdbFile())))
                .isEmpty();
    }

    @Property(tries = 60)
    void anOddValueOfAnyParameterReadsAsAbsent(@ForAll("plain") String value) {
        for (String parameter : ServerConfig.PARAMETERS) {
            Map<String, String> values = new LinkedHashMap<>(REAL);
            values.put(parameter, value);

            typedConfigReadingsNeverThrowOnMutatedRealValues(values);
        }
    }

    @Property(tries = 200)
    void anUnknownParameterIsKept(@ForAll("damagedConfigs") Map<String, String> values, @ForAll("plain") String value) {
        Map<String, String> withUnknown = new LinkedHashMap<>(values);
        withUnknown.put("future-parameter", value);

        assertThat(new ServerConfig(withUnknown).get("future-parameter")).contains(value);
    }

    @Provide
    Arbitrary<String> plain() {
        return Mutations.oddText();
    }
}
