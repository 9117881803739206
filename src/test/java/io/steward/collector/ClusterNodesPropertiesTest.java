package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Bounded;
import io.steward.testing.Captures;
import io.steward.testing.Mutations;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * CLUSTER NODES of a real cluster (healthy, failing, after a failover, with slots migrating and a handshake),
 * damaged. A line not of the documented form makes the reply the parser's {@link IllegalArgumentException} (the
 * topology is not guessed from a partial view); every node it returns answers every question about itself.
 */
class ClusterNodesPropertiesTest {

    private static final List<String> REAL = List.of(
                    "nodes-importing",
                    "nodes-replica",
                    "nodes-primary-fail",
                    "nodes-primary-pfail",
                    "nodes-migrating-with-handshake",
                    "after-failover-nodes-node0",
                    "after-failover-nodes-node5")
            .stream()
            .map(name -> Captures.text("redis-7.0/cluster/" + name + ".txt"))
            .toList();

    @Provide
    Arbitrary<String> damagedNodes() {
        return Mutations.damagedText(REAL);
    }

    @Property(tries = 600)
    void clusterNodesParserThrowsOnlyItsOwnErrorOnMutatedRealReplies(@ForAll("damagedNodes") String text) {
        ClusterNodes nodes = Bounded.returnedOrThrew(
                Bounded.run(() -> {
                    ClusterNodes parsed = ClusterNodes.parse(text);
                    for (ClusterNode node : parsed.nodes()) {
                        node.host();
                        node.port();
                        node.addressKnown();
                        node.slotCount();
                        node.role();
                    }
                    parsed.myself();
                    return parsed;
                }),
                IllegalArgumentException.class);

        if (nodes != null) {
            assertThat(nodes.nodes().size()).isLessThanOrEqualTo(text.split("\n", -1).length);
            assertThat(nodes.nodes()).allSatisfy(node -> assertThat(node.port()).isBetween(0, 65535));
        }
    }

    @Property(tries = 300)
    void anyPortOrSlotParsesOrIsTheParsersOwnError(
            @ForAll("realLines") String line, @ForAll("oddValues") String value, @ForAll boolean port) {
        String damaged = port
                ? line.replaceFirst(":(\\d+)@", ":" + java.util.regex.Matcher.quoteReplacement(value) + "@")
                : line + " " + value;

        ClusterNodes nodes =
                Bounded.returnedOrThrew(Bounded.run(() -> ClusterNodes.parse(damaged)), IllegalArgumentException.class);

        if (nodes != null) {
            assertThat(nodes.nodes()).allSatisfy(node -> {
                assertThat(node.port()).isBetween(0, 65535);
                node.addressKnown();
            });
        }
    }

    @Provide
    Arbitrary<String> realLines() {
        return Arbitraries.of(REAL.stream()
                .flatMap(text -> text.lines())
                .filter(l -> !l.isBlank())
                .toList());
    }

    @Provide
    Arbitrary<String> oddValues() {
        return Arbitraries.oneOf(
                Arbitraries.of("65536", "99999999999", "-1", "16384", "0-16384", "5-3", "[1->-]", "[-<-x]"),
                Mutations.oddText());
    }

    @Example
    void unknownFlagsAndAddressFieldsChangeNothing() {
        for (String text : REAL) {
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\n")) {
                String[] fields = line.split(" ");
                fields[1] = fields[1] + ",shard-id=1234abcd,future-aux=1";
                fields[2] = fields[2] + ",future-flag";
                lines.add(String.join(" ", fields));
            }

            assertThat(ClusterNodes.parse(String.join("\n", lines))).isEqualTo(ClusterNodes.parse(text));
        }
    }
}
