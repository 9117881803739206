package io.steward.cli;

import io.steward.collector.GroupSurvey;
import io.steward.collector.PollOptions;
import io.steward.collector.PollResult;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import java.time.Clock;
import java.util.function.Function;

/** How a backup sees a group before it copies: one survey, each member polled once through the collector. */
final class GroupSurveys {

    private GroupSurveys() {}

    static Function<Target, GroupSurvey.Result> polledBy(RedisConnector connector, Clock clock) {
        return group -> GroupSurvey.of(group, member -> pollOnce(member, connector, clock), clock);
    }

    private static PollResult pollOnce(Target member, RedisConnector connector, Clock clock) {
        try (TargetPoller poller = new TargetPoller(member, connector, clock, PollOptions.oneOff())) {
            return poller.poll();
        }
    }
}
