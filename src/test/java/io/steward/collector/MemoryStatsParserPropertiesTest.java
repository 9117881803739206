package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Bounded;
import io.steward.testing.Captures;
import io.steward.testing.Mutations;
import io.steward.testing.RespReader;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * MEMORY STATS of a real primary, as RESP2's list and RESP3's map, damaged: a malformed reply as a whole is the
 * parser's {@link IllegalArgumentException}, a malformed value is left out, and any other failure is a bug.
 */
class MemoryStatsParserPropertiesTest {

    private static final List<?> REPLY =
            (List<?>) RespReader.read(Captures.text("redis-7.0/memory-stats-primary.resp"));
    private static final List<Object> REAL = List.of(REPLY, Mutations.asMap(REPLY));

    @Provide
    Arbitrary<Object> damagedReplies() {
        return Mutations.damagedReply(REAL);
    }

    @Property(tries = 500)
    void memoryStatsParserThrowsOnlyItsOwnErrorOnMutatedRealReplies(@ForAll("damagedReplies") Object reply) {
        MemoryStats stats = Bounded.returnedOrThrew(
                Bounded.run(() -> MemoryStatsParser.parse(reply)), IllegalArgumentException.class);

        if (stats != null) {
            int entries = reply instanceof List<?> list ? list.size() / 2 : ((java.util.Map<?, ?>) reply).size();
            assertThat(stats.values().size() + stats.databases().size()).isLessThanOrEqualTo(entries);
        }
    }

    @Property(tries = 300)
    void anUnknownNumericFieldIsKept(@ForAll("names") String name, @ForAll long value, @ForAll boolean resp3) {
        List<Object> reply = new ArrayList<>(REPLY);
        reply.add(name);
        reply.add(resp3 ? (Object) value : String.valueOf(value));

        MemoryStats stats = Bounded.returned(Bounded.run(() -> MemoryStatsParser.parse(reply)));

        assertThat(stats.values()).containsEntry(name, (double) value);
        assertThat(stats.values())
                .containsAllEntriesOf(MemoryStatsParser.parse(REPLY).values());
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz.")
                .ofMinLength(1)
                .ofMaxLength(20)
                .map(suffix -> "future." + suffix);
    }
}
