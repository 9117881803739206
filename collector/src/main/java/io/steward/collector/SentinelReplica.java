package io.steward.collector;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A replica as one Sentinel sees it: one entry of {@code SENTINEL REPLICAS}. What it says of the replica's link
 * and offset comes from the replica's own INFO, which the Sentinel reads every 10 s (every second in a failover).
 *
 * @param masterLinkDownMillis how long the replica's link to its master has been down, 0 while it is up
 * @param masterHost the master the replica itself reports, {@code ?} when unknown
 * @param priority {@code replica-priority}: 0 never promoted, else lower goes first
 * @param replOffset the replica's replication offset as last reported
 * @param announced {@code replica-announced}: a replica that is not is never promoted (Sentinels before 6.2 do
 *     not report it; all their replicas are)
 */
public record SentinelReplica(
        String host,
        int port,
        String runId,
        Set<String> flags,
        long lastOkPingReplyMillis,
        OptionalLong subjectivelyDownMillis,
        long infoRefreshMillis,
        String roleReported,
        long masterLinkDownMillis,
        boolean masterLinkUp,
        String masterHost,
        int masterPort,
        int priority,
        long replOffset,
        boolean announced)
        implements SentinelInstance {

    public SentinelReplica {
        flags = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(flags));
    }

    public String masterAddress() {
        return masterHost + ":" + masterPort;
    }

    /** Whether the Sentinels could promote it at all ({@code replica-priority} above 0 and announced). */
    public boolean promotable() {
        return priority > 0 && announced;
    }

    /** Every entry of a {@code SENTINEL REPLICAS} reply, over RESP2 or RESP3. */
    static List<SentinelReplica> parse(Object reply) {
        return SentinelFields.entries("SENTINEL REPLICAS", reply).stream()
                .map(SentinelReplica::of)
                .toList();
    }

    private static SentinelReplica of(SentinelFields fields) {
        return new SentinelReplica(
                fields.text("ip"),
                fields.small("port"),
                fields.text("runid"),
                fields.flags(),
                fields.whole("last-ok-ping-reply"),
                fields.optionalWhole("s-down-time"),
                fields.whole("info-refresh"),
                fields.text("role-reported"),
                fields.whole("master-link-down-time"),
                fields.text("master-link-status").equals("ok"),
                fields.text("master-host"),
                fields.small("master-port"),
                fields.small("slave-priority"),
                fields.whole("slave-repl-offset"),
                !fields.textOr("replica-announced", "1").equals("0"));
    }
}
