package io.steward.diagnostics;

import static io.steward.diagnostics.SentinelGroupView.rule;
import static io.steward.diagnostics.Units.count;

import io.steward.collector.SentinelMaster;
import io.steward.diagnostics.SentinelGroupView.Seen;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the Sentinels are doing now: a Sentinel in TILT, the primary seen down, a failover under way. */
final class SentinelStateRules {

    private SentinelStateRules() {}

    static List<GroupRule> all() {
        return List.of(tilt(), primaryDown(), failoverInProgress());
    }

    /**
     * A Sentinel whose timer jumped (more than 2 s between two runs, or backwards) trusts none of its timings: for 30
     * s it acts on nothing and answers every "is the primary down?" with no, so it counts neither for the quorum nor
     * for a failover's votes.
     */
    static GroupRule tilt() {
        return rule("sentinel-tilt", view -> {
            List<Seen> tilted = view.sentinels().stream()
                    .filter(s -> s.state().overview().tilt())
                    .toList();
            if (tilted.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            for (Seen seen : tilted) {
                var since = seen.state().overview().tiltSinceSeconds();
                evidence.add("Sentinel " + seen.node() + ": sentinel_tilt:1"
                        + (since.isPresent() ? ", for " + since.getAsLong() + " s" : ""));
            }
            int acting = view.knowing().size()
                    - (int) tilted.stream()
                            .filter(s -> s.monitored().isPresent())
                            .count();
            int needed = Math.max(view.quorum(), view.majority());
            boolean stopped = acting < needed;
            evidence.add("in TILT a Sentinel acts on nothing and answers no when asked whether the primary is down: "
                    + acting + " of " + count(view.total(), "Sentinel") + " act now, a failover needs " + needed);
            return Optional.of(new Symptom(
                    stopped ? Severity.CRITICAL : Severity.WARNING,
                    count(tilted.size(), "Sentinel") + " in TILT mode"
                            + (stopped ? ": while it lasts, no failover can happen" : ": it acts on nothing for now"),
                    evidence,
                    "TILT follows a jump of the Sentinel's timer over 2 s: its process was stalled (an overloaded"
                            + " or swapping host, a paused VM) or the clock was stepped. Check load, swap and steal"
                            + " time on the host of "
                            + String.join(", ", tilted.stream().map(Seen::node).toList())
                            + ", and that its clock is slewed (chrony or ntpd), never stepped; run Sentinels where"
                            + " they get CPU. A Sentinel leaves TILT by itself 30 s after the last jump."));
        });
    }

    /**
     * A Sentinel deems the primary down on its own ({@code s_down}) after {@code down-after-milliseconds} without a
     * valid answer; {@code o_down} once the quorum agrees. One alone seeing it down is its own link failing.
     */
    static GroupRule primaryDown() {
        return rule("sentinel-primary-down", view -> {
            List<Seen> naming = view.namingPrimary();
            List<Seen> down = naming.stream().filter(s -> !s.master().ok()).toList();
            if (down.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            for (Seen seen : naming) {
                SentinelMaster master = seen.master();
                evidence.add("Sentinel " + seen.node() + ": flags " + String.join(",", master.flags())
                        + master.subjectivelyDownMillis().stream()
                                .mapToObj(ms -> ", down for " + Units.millis(ms))
                                .findFirst()
                                .orElse("")
                        + ", last valid answer " + Units.millis(master.lastOkPingReplyMillis()) + " ago");
            }
            boolean all = down.size() == naming.size();
            boolean objectively = down.stream().anyMatch(s -> s.master().objectivelyDown());
            view.primaryMember()
                    .ifPresent(primary -> evidence.add("the doctor read " + view.primary() + " itself: role:"
                            + primary.role().infoName()));
            String downNodes = String.join(", ", down.stream().map(Seen::node).toList());
            if (!all && !objectively) {
                return Optional.of(new Symptom(
                        Severity.WARNING,
                        "Sentinel " + downNodes + " deems the primary " + view.primary()
                                + " down while the others do not: its link to the primary fails",
                        evidence,
                        "From the host of " + downNodes + ": redis-cli -h " + SentinelGroupView.host(view.primary())
                                + " -p "
                                + view.primary().substring(view.primary().lastIndexOf(':') + 1)
                                + " PING, with the password the Sentinel uses. No connection: mend the network"
                                + " or firewall between them. NOAUTH or WRONGPASS: its auth-pass is wrong:\n  SENTINEL"
                                + " SET " + view.masterName() + " auth-pass <the primary's requirepass>\n(and"
                                + " auth-user with ACL users)"));
            }
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    objectively
                            ? "The Sentinels agree the primary " + view.primary() + " is down (o_down): a failover"
                                    + " starts once a majority votes"
                            : count(down.size(), "Sentinel") + " deem the primary " + view.primary() + " down",
                    evidence,
                    "Check the primary's host and log; if it is down, the Sentinels promote a replica (see the"
                            + " failover findings); clients that ask the Sentinels for the primary follow"));
        });
    }

    static GroupRule failoverInProgress() {
        return rule("sentinel-failover-in-progress", view -> {
            List<Seen> failing = view.knowing().stream()
                    .filter(s -> s.master().failoverInProgress())
                    .toList();
            if (failing.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            long timeout = 0;
            for (Seen seen : failing) {
                SentinelMaster master = seen.master();
                timeout = Math.max(timeout, master.failoverTimeoutMillis());
                evidence.add("Sentinel " + seen.node() + ": failover-state "
                        + master.failoverState().orElse("?") + " of " + master.address() + ", config-epoch "
                        + master.configEpoch() + ", failover-timeout " + Units.millis(master.failoverTimeoutMillis()));
            }
            evidence.add("until the new primary is promoted and the clients follow it, writes fail or still go to"
                    + " the old primary; the other findings describe a group in transition");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "A failover of " + view.masterName() + " is under way",
                    evidence,
                    "Examine again once it ends (within failover-timeout, " + Units.duration(timeout / 1000.0)
                            + "; a failed failover is retried after twice that). If it keeps failing, the"
                            + " Sentinels' logs say at which step (+failover-state-*, -failover-abort-*), and"
                            + " SENTINEL REPLICAS " + view.masterName() + " which replicas it could choose"));
        });
    }
}
