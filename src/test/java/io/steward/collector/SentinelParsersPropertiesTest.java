package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Bounded;
import io.steward.testing.Captures;
import io.steward.testing.Mutations;
import io.steward.testing.RespReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * SENTINEL MASTERS, REPLICAS, SENTINELS and CONFIG GET of real Sentinels (healthy, in a failover, with a master
 * down, without quorum), damaged. An entry that lacks a field every Sentinel sends, or whose number is not one, makes
 * the reply the parser's {@link IllegalArgumentException}: the group's topology is not guessed from half a reply.
 */
class SentinelParsersPropertiesTest {

    private static Object capture(String name) {
        return RespReader.read(Captures.text("redis-7.0/sentinel/" + name + ".resp"));
    }

    private static final List<Object> MASTERS = List.of(
            capture("healthy-masters"),
            capture("odown-masters"),
            capture("failover-masters"),
            capture("disconnected-masters"));
    private static final List<Object> REPLICAS =
            List.of(capture("healthy-replicas"), capture("odown-replicas"), capture("failover-replicas"));
    private static final List<Object> SENTINELS = List.of(capture("healthy-sentinels"), capture("noquorum-sentinels"));
    private static final List<Object> CONFIG = List.of(capture("config-get"));

    /** Each capture, and the same in RESP3's shape: every entry a map. */
    private static List<Object> bothShapes(List<Object> captures) {
        List<Object> shapes = new ArrayList<>(captures);
        for (Object capture : captures) {
            shapes.add(((List<?>) capture)
                    .stream()
                            .map(entry -> (Object) Mutations.asMap((List<?>) entry))
                            .toList());
        }
        return shapes;
    }

    @Provide
    Arbitrary<Object> damagedMasters() {
        return Mutations.damagedReply(bothShapes(MASTERS));
    }

    @Provide
    Arbitrary<Object> damagedReplicas() {
        return Mutations.damagedReply(bothShapes(REPLICAS));
    }

    @Provide
    Arbitrary<Object> damagedSentinels() {
        return Mutations.damagedReply(bothShapes(SENTINELS));
    }

    @Provide
    Arbitrary<Object> damagedConfig() {
        return Mutations.damagedReply(List.of(CONFIG.get(0), Mutations.asMap((List<?>) CONFIG.get(0))));
    }

    @Property(tries = 400)
    void sentinelMastersParserThrowsOnlyItsOwnErrorOnMutatedRealReplies(@ForAll("damagedMasters") Object reply) {
        assertEntriesBounded(reply, SentinelMaster::parse);
    }

    @Property(tries = 400)
    void sentinelReplicasParserThrowsOnlyItsOwnErrorOnMutatedRealReplies(@ForAll("damagedReplicas") Object reply) {
        assertEntriesBounded(reply, SentinelReplica::parse);
    }

    @Property(tries = 400)
    void sentinelPeersParserThrowsOnlyItsOwnErrorOnMutatedRealReplies(@ForAll("damagedSentinels") Object reply) {
        assertEntriesBounded(reply, SentinelPeer::parse);
    }

    @Property(tries = 400)
    void sentinelConfigParserThrowsOnlyItsOwnErrorAndNeverKeepsAPassword(@ForAll("damagedConfig") Object reply) {
        SentinelConfig config =
                Bounded.returnedOrThrew(Bounded.run(() -> SentinelConfig.parse(reply)), IllegalArgumentException.class);

        if (config != null) {
            assertThat(config.values().keySet())
                    .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("pass"));
        }
    }

    @Property(tries = 200)
    void anyValueOfAnyFieldParsesOrIsTheParsersOwnError(
            @ForAll("fieldIndexes") int field, @ForAll("oddValues") Object value, @ForAll boolean resp3) {
        for (List<Object> captures : List.of(MASTERS, REPLICAS, SENTINELS)) {
            for (Object capture : captures) {
                List<Object> entries = new ArrayList<>();
                for (Object entry : (List<?>) capture) {
                    List<Object> fields = new ArrayList<>((List<?>) entry);
                    fields.set((field % (fields.size() / 2)) * 2 + 1, value);
                    entries.add(resp3 ? Mutations.asMap(fields) : fields);
                }
                Function<Object, List<?>> parser = captures == MASTERS
                        ? SentinelMaster::parse
                        : captures == REPLICAS ? SentinelReplica::parse : SentinelPeer::parse;
                Bounded.returnedOrThrew(Bounded.run(() -> parser.apply(entries)), IllegalArgumentException.class);
            }
        }
    }

    @Provide
    Arbitrary<Integer> fieldIndexes() {
        return Arbitraries.integers().between(0, 100);
    }

    @Provide
    Arbitrary<Object> oddValues() {
        return Mutations.oddReplyValues();
    }

    @Property(tries = 200)
    void anUnknownFieldOfAnEntryChangesNothingElse(
            @ForAll("names") String name, @ForAll("values") String value, @ForAll boolean resp3) {
        for (Object capture : MASTERS) {
            List<Object> entries = new ArrayList<>();
            for (Object entry : (List<?>) capture) {
                List<Object> fields = new ArrayList<>((List<?>) entry);
                fields.add(name);
                fields.add(value);
                entries.add(resp3 ? Mutations.asMap(fields) : fields);
            }

            assertThat(Bounded.returned(Bounded.run(() -> SentinelMaster.parse(entries))))
                    .isEqualTo(SentinelMaster.parse(capture));
        }
    }

    @Property(tries = 200)
    void anUnknownSentinelSettingIsKept(@ForAll("names") String name, @ForAll("values") String value) {
        List<Object> reply = new ArrayList<>((List<?>) CONFIG.get(0));
        reply.add(name);
        reply.add(value);

        assertThat(SentinelConfig.parse(reply).values()).containsEntry(name, value);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz-")
                .ofMinLength(1)
                .ofMaxLength(20)
                .map(suffix -> "future-" + suffix)
                .filter(name -> !name.contains("pass"));
    }

    @Provide
    Arbitrary<String> values() {
        return Mutations.oddText();
    }

    private static <T> void assertEntriesBounded(Object reply, Function<Object, List<T>> parser) {
        List<T> entries =
                Bounded.returnedOrThrew(Bounded.run(() -> parser.apply(reply)), IllegalArgumentException.class);
        if (entries != null) {
            assertThat(entries.size()).isLessThanOrEqualTo(((List<?>) reply).size());
        }
    }
}
