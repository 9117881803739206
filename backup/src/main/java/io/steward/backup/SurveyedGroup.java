package io.steward.backup;

import io.steward.collector.GroupSurvey;
import io.steward.collector.PollResult;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import io.steward.collector.Topology;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One look at a group before (or after) a backup: its topology, and what each member's poll gave, by {@code
 * host:port}.
 */
record SurveyedGroup(Topology topology, Map<String, PollResult> polls) {

    SurveyedGroup {
        polls = Map.copyOf(polls);
    }

    /** The survey's view, or a failure saying why the group could not be seen. */
    static SurveyedGroup of(Target group, GroupSurvey.Result survey) {
        Map<String, PollResult> polls = new LinkedHashMap<>();
        survey.members().forEach(result -> polls.put(result.target().node(), result));
        Optional<Topology> topology = survey.state().topology();
        if (topology.isEmpty()) {
            throw new BackupException(
                    BackupFailure.REDIS_CONNECT,
                    "cannot back up " + group + ": " + survey.state().problem());
        }
        return new SurveyedGroup(topology.get(), polls);
    }

    /** The member's snapshot when its poll answered. */
    Optional<Snapshot> snapshot(String address) {
        return polls.get(address) instanceof PollResult.Polled polled
                ? Optional.of(polled.snapshot())
                : Optional.empty();
    }
}
