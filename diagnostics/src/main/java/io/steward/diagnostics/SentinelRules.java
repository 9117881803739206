package io.steward.diagnostics;

import java.util.List;

/** The rules of a Sentinel group's Sentinels: their number, quorum, agreement and settings. */
final class SentinelRules {

    private SentinelRules() {}

    static List<GroupRule> all() {
        return List.of();
    }
}
