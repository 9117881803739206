package io.steward.diagnostics;

import static io.steward.diagnostics.SentinelGroupView.PERSISTED;
import static io.steward.diagnostics.SentinelGroupView.host;
import static io.steward.diagnostics.SentinelGroupView.rule;
import static io.steward.diagnostics.Units.count;

import io.steward.diagnostics.SentinelGroupView.Seen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of a Sentinel group's Sentinels: how many there are, where they run, whether the ones up now can fail
 * the primary over, and whether they agree on it. Their state (TILT, the primary seen down, a failover under way)
 * and their settings have rules of their own.
 */
final class SentinelRules {

    private SentinelRules() {}

    static List<GroupRule> all() {
        List<GroupRule> rules =
                new ArrayList<>(List.of(tooFew(), quorumUnreachable(), quorumBelowMajority(), oneHost(), disagree()));
        rules.addAll(SentinelStateRules.all());
        rules.addAll(SentinelSettingsRules.all());
        return List.copyOf(rules);
    }

    static GroupRule tooFew() {
        return rule("sentinel-too-few", view -> {
            int total = view.total();
            if (total >= 3) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add(count(total, "Sentinel") + " watch " + view.masterName() + ": "
                    + String.join(", ", view.addresses()));
            evidence.add(
                    total == 1
                            ? "the one Sentinel decides alone that the primary is down, and if it or its host fails, nothing"
                                    + " fails the primary over"
                            : "a failover needs the votes of a majority, 2 of 2: losing either Sentinel (or its host) leaves"
                                    + " 1, and then nothing fails the primary over");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Only " + count(total, "Sentinel") + " watch " + view.masterName()
                            + ": one lost Sentinel stops every failover",
                    evidence,
                    "Run at least 3 Sentinels, each on a host of its own (not all beside the primary): start each"
                            + " new one with\n  sentinel monitor " + view.masterName() + " "
                            + view.primary().replace(':', ' ') + " 2\nin its sentinel.conf (with the same"
                            + " down-after-milliseconds, failover-timeout, parallel-syncs and auth-pass); the"
                            + " Sentinels find each other through the primary"));
        });
    }

    /**
     * A failover needs the quorum to call the primary down, then the votes of a majority of all the Sentinels
     * (counted over those they know, up or not). {@code SENTINEL CKQUORUM} counts the Sentinels each one can reach.
     */
    static GroupRule quorumUnreachable() {
        return rule("sentinel-quorum-unreachable", view -> {
            int total = view.total();
            int quorum = view.quorum();
            int majority = view.majority();
            int needed = Math.max(quorum, majority);
            List<Seen> failing = new ArrayList<>();
            List<Seen> checked = new ArrayList<>();
            for (Seen seen : view.knowing()) {
                seen.quorumCheck().ifPresent(check -> {
                    checked.add(seen);
                    if (!check.ok()) {
                        failing.add(seen);
                    }
                });
            }
            int answering = view.knowing().size();
            boolean impossible = quorum > total;
            // Without CKQUORUM, the Sentinels the doctor reached are all it knows to be up.
            boolean none = impossible || (checked.isEmpty() ? answering < needed : failing.size() == checked.size());
            if (!none && failing.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add(count(total, "Sentinel") + " watch " + view.masterName() + "; " + answering
                    + " answered the doctor (" + String.join(", ", nodes(view.knowing())) + ")"
                    + (view.notRead().isEmpty() ? "" : "; not read: " + String.join(", ", view.notRead())));
            evidence.add("quorum " + quorum + ": " + count(quorum, "Sentinel")
                    + " must deem the primary down; a failover then needs the votes of " + majority + " (a majority"
                    + " of " + total + ")");
            if (impossible) {
                evidence.add("the quorum is more than the " + count(total, "Sentinel")
                        + " there are: the primary is never deemed objectively down");
            }
            for (Seen seen : view.knowing()) {
                seen.peers().stream()
                        .filter(peer -> !peer.ok())
                        .forEach(peer -> evidence.add("Sentinel " + seen.node() + " deems Sentinel " + peer.address()
                                + " down (last answer " + Units.millis(peer.lastOkPingReplyMillis()) + " ago)"));
            }
            failing.forEach(seen -> evidence.add("SENTINEL CKQUORUM " + view.masterName() + " on " + seen.node() + ": "
                    + seen.quorumCheck().orElseThrow().message()));
            String title = impossible
                    ? "The quorum (" + quorum + ") is more than the " + count(total, "Sentinel")
                            + ": no failover can ever happen"
                    : none
                            ? "If the primary failed now, no failover would happen: a failover needs " + needed
                                    + " of the " + count(total, "Sentinel") + " and fewer are up"
                            : "Sentinel " + String.join(", ", nodes(failing))
                                    + " cannot reach enough of the others to fail the primary over";
            List<String> remedies = new ArrayList<>();
            if (impossible) {
                remedies.add(view.setOnEvery("quorum", majority) + "\n" + PERSISTED);
            } else {
                remedies.add("Start the Sentinels that are down"
                        + (view.notRead().isEmpty() ? "" : " (" + String.join(", ", view.notRead()) + ")")
                        + ", or mend the network between them: each must reach the others' port");
                remedies.add("A Sentinel gone for good still counts in the majority until the others forget it:"
                        + " SENTINEL RESET " + view.masterName() + " on each remaining Sentinel, one at a time, 30 s"
                        + " apart; then add new ones to have at least 3");
            }
            return Optional.of(new Symptom(
                    none ? Severity.CRITICAL : Severity.WARNING, title, evidence, String.join("\n", remedies)));
        });
    }

    /**
     * A quorum below the majority lets a minority of Sentinels, cut off from the primary alone, call it down; the
     * others vote for the failover all the same (a vote is given to the first Sentinel that asks, whatever the voter
     * sees itself).
     */
    static GroupRule quorumBelowMajority() {
        return rule("sentinel-quorum-below-majority", view -> {
            int total = view.total();
            int majority = view.majority();
            int lowest = view.lowestQuorum();
            if (total < 2 || lowest >= majority) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            SentinelGroupView.byValue(view.namingPrimary(), s -> s.master().quorum())
                    .forEach((quorum, nodes) -> evidence.add("quorum " + quorum + " on " + String.join(", ", nodes)));
            evidence.add(count(total, "Sentinel") + ": a majority is " + majority + ", the quorum " + lowest);
            evidence.add(count(lowest, "Sentinel") + " that cannot reach the primary (a fault between "
                    + (lowest == 1 ? "it" : "them") + " and the primary only) can call it down, and the others vote"
                    + " for the failover whatever they see: a primary the clients still reach is replaced, and the"
                    + " writes it takes until it is demoted are lost");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "The quorum (" + lowest + ") is below a majority of the " + count(total, "Sentinel") + " ("
                            + majority + "): a minority can fail over a primary the others still reach",
                    evidence,
                    view.setOnEvery("quorum", majority) + "\n" + PERSISTED));
        });
    }

    /** Hosts are told apart by the address part of {@code host:port}, as the Sentinels name each other. */
    static GroupRule oneHost() {
        return rule("sentinel-one-host", view -> {
            int total = view.total();
            int majority = view.majority();
            Map<String, List<String>> byHost = new LinkedHashMap<>();
            view.addresses()
                    .forEach(address -> byHost.computeIfAbsent(host(address), h -> new ArrayList<>())
                            .add(address));
            if (total < 2 || (total < 3 && byHost.size() > 1)) {
                return Optional.empty(); // one or two Sentinels: too few, whatever their hosts
            }
            List<String> evidence = new ArrayList<>();
            String primaryHost = host(view.primary());
            for (Map.Entry<String, List<String>> host : byHost.entrySet()) {
                int left = total - host.getValue().size();
                if (left >= majority) {
                    continue;
                }
                evidence.add(host.getKey() + " runs " + count(host.getValue().size(), "Sentinel") + " of " + total
                        + " (" + String.join(", ", host.getValue()) + "): losing it leaves " + left + ", short of the"
                        + " majority of " + majority + " a failover needs");
                if (host.getKey().equals(primaryHost)) {
                    evidence.add(host.getKey() + " also runs the primary " + view.primary() + ": losing that host is"
                            + " exactly when a failover is needed, and none could be authorized");
                }
            }
            if (evidence.isEmpty()) {
                return Optional.empty();
            }
            evidence.add("hosts are told apart by the address part of host:port, as the Sentinels name each other");
            int most = total - majority;
            String remedy = total < 3
                    ? "Run 3 Sentinels, each on a host of its own (see sentinel-too-few): with two, either host"
                            + " lost leaves too few"
                    : "Spread the Sentinels so that no host runs more than " + count(most, "Sentinel") + " of "
                            + total + ": stop one on the crowded host and start it on another (away from the data"
                            + " nodes if possible) with the same sentinel monitor line; then SENTINEL RESET "
                            + view.masterName() + " on each other Sentinel, one at a time, 30 s apart, so they"
                            + " forget the old address";
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    byHost.size() == 1
                            ? "All " + total + " Sentinels run on one host: losing it stops every failover"
                            : "One host runs a majority of the Sentinels: losing it stops every failover",
                    evidence,
                    remedy));
        });
    }

    /**
     * Clients ask a Sentinel where the primary is: one that names another server sends them there. After a failover
     * the others catch up within seconds, from each other's hellos.
     */
    static GroupRule disagree() {
        return rule("sentinel-disagree", view -> {
            Map<String, List<String>> byPrimary =
                    SentinelGroupView.byValue(view.knowing(), s -> s.master().address());
            List<String> unaware = view.sentinels().stream()
                    .filter(s -> s.monitored().isEmpty())
                    .map(Seen::node)
                    .toList();
            if (byPrimary.size() < 2 && unaware.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            for (Seen seen : view.knowing()) {
                evidence.add(
                        "Sentinel " + seen.node() + " names " + seen.master().address() + " (config-epoch "
                                + seen.master().configEpoch() + ", flags "
                                + String.join(",", seen.master().flags()) + ")");
            }
            unaware.forEach(
                    node -> evidence.add("Sentinel " + node + " monitors no master named " + view.masterName()));
            boolean misrouted = false;
            for (Map.Entry<String, List<String>> named : byPrimary.entrySet()) {
                Optional<GroupMember> node = view.readMember(named.getKey());
                if (node.isPresent() && node.get().observed().isReplica()) {
                    misrouted = true;
                    evidence.add(named.getKey() + " says role:slave"
                            + node.get()
                                    .observed()
                                    .primaryLink()
                                    .map(link -> ", following " + link.address())
                                    .orElse("")
                            + ": clients that ask " + String.join(", ", named.getValue())
                            + " for the primary are sent to a replica, and their writes fail (READONLY)");
                }
            }
            if (view.topology().failoverInProgress()) {
                evidence.add("a failover is under way: the Sentinels converge once it ends");
            }
            return Optional.of(new Symptom(
                    misrouted ? Severity.CRITICAL : Severity.WARNING,
                    byPrimary.size() > 1
                            ? "The Sentinels disagree on the primary of " + view.masterName() + ": "
                                    + String.join(" or ", byPrimary.keySet())
                            : "Not every Sentinel monitors " + view.masterName() + ": " + String.join(", ", unaware),
                    evidence,
                    "Right after a failover, the Sentinels converge within seconds (they hear each other every 2 s):"
                            + " examine again. If one keeps naming another server, it does not hear the others on the"
                            + " servers' __sentinel__:hello channel (a network fault, or a different master name or"
                            + " auth-pass): on it,\n  SENTINEL REMOVE " + view.masterName() + "\n  SENTINEL MONITOR "
                            + view.masterName() + " " + view.primary().replace(':', ' ') + " " + view.quorum()
                            + "\nthen SENTINEL SET " + view.masterName() + " again for its down-after-milliseconds,"
                            + " failover-timeout, parallel-syncs and auth-pass"));
        });
    }

    private static List<String> nodes(List<Seen> seen) {
        return seen.stream().map(Seen::node).toList();
    }
}
