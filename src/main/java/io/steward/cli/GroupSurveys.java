package io.steward.cli;

import io.steward.collector.GroupSurvey;
import io.steward.collector.PollOptions;
import io.steward.collector.PollResult;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import java.time.Clock;
import java.util.function.Function;

/** One-off looks at targets: a poll of one server on a connection of its own, and a survey of a whole group. */
final class GroupSurveys {

    private GroupSurveys() {}

    /** A group seen once, each member polled once, as a backup sees it before it copies. */
    static Function<Target, GroupSurvey.Result> polledBy(RedisConnector connector, Clock clock) {
        Function<Target, PollResult> pollOnce = pollOnce(connector, clock);
        return group -> GroupSurvey.of(group, pollOnce, clock);
    }

    /** One poll of one server, on a connection opened and closed for it. */
    static Function<Target, PollResult> pollOnce(RedisConnector connector, Clock clock) {
        return target -> {
            try (TargetPoller poller = new TargetPoller(target, connector, clock, PollOptions.oneOff())) {
                return poller.poll();
            }
        };
    }
}
