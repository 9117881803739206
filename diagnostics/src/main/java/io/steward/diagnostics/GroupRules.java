package io.steward.diagnostics;

import java.util.ArrayList;
import java.util.List;

/**
 * The group rules' catalogue, the one place where each family registers its rules: the ones of any replicated
 * group, then Sentinel's and Cluster's, each in a class of its own. Ids are stable.
 */
public final class GroupRules {

    private GroupRules() {}

    /** Every group rule. */
    public static List<GroupRule> standard() {
        List<GroupRule> rules = new ArrayList<>();
        rules.addAll(MembershipRules.all());
        rules.addAll(FailoverRules.all());
        rules.addAll(DriftRules.all());
        rules.addAll(SentinelRules.all());
        rules.addAll(ClusterRules.all());
        return List.copyOf(rules);
    }
}
