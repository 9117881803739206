package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.count;

import io.steward.collector.ClusterTopology.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * How evenly a cluster's data is spread over its shards. The largest shard fills its memory first and takes the most
 * traffic; the cluster is only as big as its largest shard allows.
 */
final class ClusterBalanceRules {

    /** The largest shard holds this many times the smallest's keys or data before it is uneven. */
    static final double RATIO = 2;

    /** Below this much data on the largest shard, memory is not worth evening out. */
    static final double DATA_FLOOR = 16 * Units.MIB;

    /** Below this many keys on the largest shard, the key counts are not worth evening out. */
    static final long KEYS_FLOOR = 1000;

    /** A difference in slots beyond this factor is one {@code --cluster rebalance} evens out. */
    private static final double SLOTS_RATIO = 1.2;

    private ClusterBalanceRules() {}

    /** One shard's primary as read: its node, slots, keys and data. */
    private record Share(Node primary, Observation observed) {
        long keys() {
            return observed.keyspace().totalKeys();
        }

        double data() {
            return DriftRules.dataset(observed);
        }

        String describe() {
            long limit = observed.config("maxmemory").orElse(0);
            return "shard of primary " + primary.name() + ": " + count(primary.slotCount(), "slot") + ", "
                    + count(keys(), "key") + ", " + bytes(data()) + " of data (used_memory_dataset)"
                    + (limit > 0 ? ", " + Units.percent(data() / limit) + " of its maxmemory " + bytes(limit) : "");
        }
    }

    private static final GroupRule.Needs TWO_PRIMARIES = GroupRule.onDataNodes(Source.INFO)
            .and(group -> ClusterView.of(group)
                    .filter(cluster -> cluster.readPrimaries().size() < 2)
                    .map(cluster -> "fewer than two primaries could be read: there is nothing to compare"));

    static GroupRule unevenShards() {
        return ClusterView.rule("cluster-uneven-shards", TWO_PRIMARIES, cluster -> {
            List<Share> shares = new ArrayList<>();
            for (Map.Entry<Node, Observation> read : cluster.readPrimaries()) {
                shares.add(new Share(read.getKey(), read.getValue()));
            }
            Share mostData = max(shares, Share::data);
            Share leastData = min(shares, Share::data);
            Share mostKeys = max(shares, share -> share.keys());
            Share leastKeys = min(shares, share -> share.keys());
            boolean dataUneven = mostData.data() >= DATA_FLOOR && mostData.data() >= RATIO * leastData.data();
            boolean keysUneven = mostKeys.keys() >= KEYS_FLOOR && mostKeys.keys() >= RATIO * leastKeys.keys();
            if (!dataUneven && !keysUneven) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            shares.forEach(share -> evidence.add(share.describe()));
            if (dataUneven) {
                evidence.add("data: " + bytes(mostData.data()) + " on "
                        + mostData.primary().name() + ", "
                        + bytes(leastData.data()) + " on " + leastData.primary().name()
                        + times(mostData.data(), leastData.data()));
            }
            if (keysUneven) {
                evidence.add("keys: " + count(mostKeys.keys()) + " on "
                        + mostKeys.primary().name() + ", "
                        + count(leastKeys.keys()) + " on " + leastKeys.primary().name()
                        + times(mostKeys.keys(), leastKeys.keys()));
            }
            Share largest = dataUneven ? mostData : mostKeys;
            return Optional.of(new Symptom(
                    dataUneven ? Severity.WARNING : Severity.INFO,
                    dataUneven
                            ? "The data is spread unevenly over the shards: "
                                    + largest.primary().name() + " fills its memory first"
                            : "The keys are spread unevenly over the shards",
                    evidence,
                    remedy(cluster, shares, largest)));
        });
    }

    private static String times(double most, double least) {
        return least > 0 ? " (" + Units.ratio(most / least) + " times as much)" : "";
    }

    /** Uneven slots are rebalanced; even slots with uneven data point at hash tags and big keys. */
    private static String remedy(ClusterView cluster, List<Share> shares, Share largest) {
        int most = shares.stream().mapToInt(s -> s.primary().slotCount()).max().orElse(0);
        int least = shares.stream().mapToInt(s -> s.primary().slotCount()).min().orElse(0);
        String node = largest.primary().name();
        String hostAndPort = "-h " + largest.primary().host() + " -p " + node.substring(node.lastIndexOf(':') + 1);
        String search = "find the big keys and crowded hash tags ({...} puts every key with the same tag in one slot)"
                + " on the largest shard: redis-cli " + hostAndPort + " --bigkeys (or --memkeys); spread the tags"
                + " or split the keys";
        if (most > SLOTS_RATIO * least) {
            return "The slots are uneven (" + least + " to " + most + " per shard): redis-cli --cluster rebalance "
                    + cluster.seed() + "\nif the data stays uneven, " + search;
        }
        return "The slots are even (" + least + " to " + most + " per shard), so the keys are not: " + search;
    }

    private static Share max(List<Share> shares, ToDoubleFunction<Share> by) {
        return shares.stream().max(Comparator.comparingDouble(by)).orElseThrow();
    }

    private static Share min(List<Share> shares, ToDoubleFunction<Share> by) {
        return shares.stream().min(Comparator.comparingDouble(by)).orElseThrow();
    }
}
