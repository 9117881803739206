package io.steward.cli;

import io.steward.collector.GroupState;
import io.steward.collector.PollResult;
import io.steward.collector.Target;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code /-/ready}: ready once every configured target has been polled successfully at least once, so a rollout
 * does not count an agent whose credentials or network path do not work. A target that answered once and is down
 * now does not make the agent unready: {@code redis_up 0} reports that. The answer lists every target's state.
 */
final class Readiness implements Consumer<PollResult> {

    private final List<Target> targets;
    private final Supplier<Map<String, PollResult>> latest;
    private final Supplier<List<GroupState>> groups;
    private final Set<String> answeredOnce = ConcurrentHashMap.newKeySet();

    /** An answer to {@code /-/ready}: whether ready, and each target's state, one per line. */
    record Answer(boolean ready, String body) {}

    /** @param latest the latest result of each target by name; a target not polled yet is absent */
    Readiness(List<Target> targets, Supplier<Map<String, PollResult>> latest) {
        this(targets, latest, List::of);
    }

    /** @param groups what the agent knows of its groups: a group's problem is part of its state */
    Readiness(List<Target> targets, Supplier<Map<String, PollResult>> latest, Supplier<List<GroupState>> groups) {
        this.targets = List.copyOf(targets);
        this.latest = latest;
        this.groups = groups;
    }

    /** Called with every poll result of the configured targets. */
    @Override
    public void accept(PollResult result) {
        if (result instanceof PollResult.Polled) {
            answeredOnce.add(result.target().name());
        }
    }

    Answer answer() {
        Map<String, PollResult> now = latest.get();
        long waiting = targets.stream()
                .filter(target -> !answeredOnce.contains(target.name()))
                .count();
        StringBuilder body = new StringBuilder(
                waiting == 0
                        ? "ready: every target has been polled successfully at least once\n"
                        : "not ready: " + waiting + " of " + targets.size() + " targets not yet polled successfully\n");
        for (Target target : targets) {
            body.append(target)
                    .append(": ")
                    .append(target.isGroup() ? groupState(target, now) : state(now.get(target.name())))
                    .append('\n');
        }
        return new Answer(waiting == 0, body.toString());
    }

    /** A group is up with its members: how many answered, the first that did not, and what stops discovery. */
    private String groupState(Target group, Map<String, PollResult> now) {
        String problem = groups.get().stream()
                .filter(state -> state.group().name().equals(group.name()) && !state.healthy())
                .map(state -> "; " + state.problem())
                .findFirst()
                .orElse("");
        return membersState(group, now) + problem;
    }

    private static String membersState(Target group, Map<String, PollResult> now) {
        List<PollResult> members = now.values().stream()
                .filter(result ->
                        result.target().isMember() && result.target().name().equals(group.name()))
                .toList();
        if (members.isEmpty()) {
            return "not yet polled";
        }
        long up = members.stream().filter(r -> r instanceof PollResult.Polled).count();
        String down = members.stream()
                .filter(r -> r instanceof PollResult.Failed)
                .findFirst()
                .map(r -> "; " + r.target().node() + " " + state(r))
                .orElse("");
        return up + " of " + members.size() + " members up" + down;
    }

    private static String state(PollResult result) {
        if (result == null) {
            return "not yet polled";
        }
        if (result instanceof PollResult.Failed failed) {
            return "down (" + failed.reason().label() + "): " + failed.message();
        }
        return "up";
    }
}
