package io.steward.diagnostics;

import java.util.List;

/** The rules of a Redis Cluster as a whole: slots, shards, placement and settings. */
final class ClusterRules {

    private ClusterRules() {}

    static List<GroupRule> all() {
        return List.of();
    }
}
