package io.steward.diagnostics;

import java.util.ArrayList;
import java.util.List;

/** The doctor's rule catalogue. Ids are stable: reports, metrics and documentation refer to them. */
public final class Rules {

    private Rules() {}

    /** Every rule, by area. */
    public static List<Rule> standard() {
        List<Rule> rules = new ArrayList<>();
        rules.addAll(MemoryRules.all());
        rules.addAll(FragmentationRules.all());
        rules.addAll(PersistenceRules.all());
        rules.addAll(ForkRules.all());
        rules.addAll(ReplicationRules.all());
        rules.addAll(LatencyRules.all());
        rules.addAll(ClientRules.all());
        rules.addAll(SecurityRules.all());
        rules.addAll(ConfigRules.all());
        return List.copyOf(rules);
    }
}
