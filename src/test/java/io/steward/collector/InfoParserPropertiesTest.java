package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Bounded;
import io.steward.testing.Captures;
import io.steward.testing.Mutations;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * INFO from real servers (a primary, a replica, a cluster node, a Sentinel), damaged: the parser keeps what it can
 * read and never fails, so a poll of a server that sends something odd still reports everything else.
 */
class InfoParserPropertiesTest {

    private static final List<String> REAL = List.of(
            Captures.text("redis-7.0/info-all-primary.txt"),
            Captures.text("redis-7.0/info-all-replica.txt"),
            Captures.text("redis-7.0/info-everything-cluster.txt"),
            Captures.text("redis-7.0/sentinel/healthy-info.txt"),
            Captures.text("redis-7.0/sentinel/odown-info.txt"));

    @Provide
    Arbitrary<String> damagedInfo() {
        return Mutations.damagedText(REAL);
    }

    @Property(tries = 500)
    void infoParserNeverThrowsOnMutatedRealReplies(@ForAll("damagedInfo") String text) {
        RedisInfo info = Bounded.returned(Bounded.run(() -> InfoParser.parse(text)));

        int fields = info.sections().values().stream().mapToInt(Map::size).sum();
        assertThat(fields).isLessThanOrEqualTo(lines(text));
        assertThat(info.sections().size()).isLessThanOrEqualTo(lines(text) + 1);
    }

    @Property(tries = 500)
    void typedViewsOfADamagedInfoNeverThrow(@ForAll("damagedInfo") String text) {
        RedisInfo info = InfoParser.parse(text);
        Bounded.returned(Bounded.run(() -> {
            info.sections().forEach((section, fields) -> fields.keySet().forEach(info::number));
            Replication.from(info);
            CommandStats.from(info);
            SaveState.from(info);
            SentinelState.Overview.from(info);
            return Keyspace.from(info);
        }));
    }

    @Property(tries = 300)
    void replicationLinksHavePortsOrNone(@ForAll("damagedInfo") String text, @ForAll("oddIndexes") String port) {
        String withPort = text.replaceFirst("port=\\d+", "port=" + java.util.regex.Matcher.quoteReplacement(port))
                .replaceFirst("master_port:\\d+", "master_port:" + java.util.regex.Matcher.quoteReplacement(port));
        Replication replication = Replication.from(InfoParser.parse(withPort));

        assertThat(replication.replicas())
                .allSatisfy(link -> assertThat(link.port()).isBetween(0, 65535));
        replication.primary().ifPresent(link -> assertThat(link.port()).isBetween(0, 65535));
    }

    @Property(tries = 300)
    void keyspaceListsOnlyDatabasesTheReplyNames(@ForAll("damagedInfo") String text) {
        RedisInfo info = InfoParser.parse(text);
        Keyspace keyspace = Keyspace.from(info);

        assertThat(keyspace.databases()).allSatisfy(db -> {
            assertThat(db.index()).isNotNegative();
            assertThat(info.section("keyspace")).containsKey(db.name());
        });
    }

    @Property(tries = 300)
    void aDatabaseLineWithAnOddIndexIsLeftOutOrNamedAsSent(@ForAll("oddIndexes") String index) {
        RedisInfo info = InfoParser.parse(
                "# Keyspace\ndb0:keys=1,expires=0,avg_ttl=0\ndb" + index + ":keys=5,expires=0,avg_ttl=0\n");

        assertThat(Keyspace.from(info).databases())
                .allSatisfy(db -> assertThat(info.section("keyspace")).containsKey(db.name()));
    }

    @Provide
    Arbitrary<String> oddIndexes() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "-1", "+1", " 1", "01", "4294967296", "2147483648", "-2147483648", "9223372036854775807"),
                Mutations.oddText());
    }

    @Property(tries = 300)
    void anUnknownFieldIsKeptForTheExporters(
            @ForAll("damagedInfo") String text,
            @ForAll("fieldNames") String name,
            @ForAll("plainValues") String value,
            @ForAll int where) {
        List<String> lines = new java.util.ArrayList<>(List.of(text.split("\n", -1)));
        lines.add(Math.floorMod(where, lines.size() + 1), name + ":" + value);

        RedisInfo info = Bounded.returned(Bounded.run(() -> InfoParser.parse(String.join("\n", lines))));

        assertThat(info.get(name)).contains(value);
    }

    @Property(tries = 200)
    void aParserHeldForManyDamagedRepliesReadsEachAsIfAlone(@ForAll("manyReplies") List<String> replies) {
        InfoParser parser = new InfoParser();
        for (String reply : replies) {
            RedisInfo read = Bounded.returned(Bounded.run(() -> parser.read(reply)));

            // The layouts a held parser shares between replies never mix one reply's names into another's.
            assertThat(read.sections()).isEqualTo(InfoParser.parse(reply).sections());
        }
    }

    @Provide
    Arbitrary<List<String>> manyReplies() {
        return damagedInfo().list().ofMinSize(2).ofMaxSize(12);
    }

    /** A field name no server sends: letters, digits and underscores, as Redis names its fields. */
    @Provide
    Arbitrary<String> fieldNames() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz0123456789_")
                .ofMinLength(1)
                .ofMaxLength(20)
                .map(suffix -> "future_" + suffix);
    }

    /** A value as the server writes it: no line break, no surrounding blanks (the parser strips lines). */
    @Provide
    Arbitrary<String> plainValues() {
        return Arbitraries.strings()
                .ofMaxLength(30)
                .map(String::strip)
                .filter(v -> v.indexOf('\n') < 0 && v.equals(v.strip()));
    }

    private static int lines(String text) {
        return text.split("\n", -1).length;
    }
}
