package io.steward.collector;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One look at a group, for {@code steward doctor} and {@code /scrape}: its entry points are polled, then every
 * member their topology names, until no new member turns up. Members are polled side by side, so one that does not
 * answer costs one timeout, not one per member.
 */
public final class GroupSurvey {

    /** How many rounds of "poll the members found, read the topology" a survey takes at most. */
    private static final int ROUNDS = 4;

    private static final int PARALLEL = 8;

    /** What a survey saw: the group's state and one result per member, in the topology's order. */
    public record Result(GroupState state, List<PollResult> members) {
        public Result {
            members = List.copyOf(members);
        }
    }

    private GroupSurvey() {}

    /** @param pollOnce polls one member once, on a connection of its own */
    public static Result of(Target group, Function<Target, PollResult> pollOnce, Clock clock) {
        Map<String, Target> pending = new LinkedHashMap<>();
        Map<String, PollResult> results = new LinkedHashMap<>();
        GroupWatcher watcher = new GroupWatcher(
                group,
                Discoveries.of(group),
                new GroupWatcher.Membership() {
                    @Override
                    public void add(Target member) {
                        pending.put(member.key(), member);
                    }

                    @Override
                    public void remove(Target member) {
                        pending.remove(member.key());
                        results.remove(member.key());
                    }
                },
                clock);
        watcher.start();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, DaemonThreads.named("steward-survey"));
        try {
            for (int round = 0; round < ROUNDS && !pending.isEmpty(); round++) {
                List<Target> now = List.copyOf(pending.values());
                pending.clear();
                List<Future<PollResult>> polls = new ArrayList<>();
                now.forEach(member -> polls.add(pool.submit(() -> pollOnce.apply(member))));
                for (int i = 0; i < now.size(); i++) {
                    results.put(now.get(i).key(), await(polls.get(i)));
                }
                watcher.update(List.copyOf(results.values()));
            }
        } finally {
            pool.shutdownNow();
        }
        List<PollResult> ordered = new ArrayList<>();
        for (Target member : watcher.members()) {
            PollResult result = results.get(member.key());
            if (result != null) {
                ordered.add(result);
            }
        }
        return new Result(watcher.state(), ordered);
    }

    private static PollResult await(Future<PollResult> poll) {
        try {
            return poll.get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while surveying a group", interrupted);
        } catch (ExecutionException failed) {
            throw new IllegalStateException("polling a member failed", failed.getCause());
        }
    }
}
