package io.steward.collector;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Another Sentinel of the same master, as one Sentinel sees it: one entry of {@code SENTINEL SENTINELS}. A
 * Sentinel learns its peers from their hellos on the master's {@code __sentinel__:hello} channel.
 *
 * @param runId the peer's id, which is also its name
 * @param lastHelloMillis how long ago its last hello came
 * @param votedLeader the run id the peer voted for in the last leader election, {@code ?} when none
 */
public record SentinelPeer(
        String host,
        int port,
        String runId,
        Set<String> flags,
        long lastOkPingReplyMillis,
        OptionalLong subjectivelyDownMillis,
        long lastHelloMillis,
        String votedLeader,
        long votedLeaderEpoch)
        implements SentinelInstance {

    public SentinelPeer {
        flags = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(flags));
    }

    /** Every entry of a {@code SENTINEL SENTINELS} reply, over RESP2 or RESP3. */
    static List<SentinelPeer> parse(Object reply) {
        return SentinelFields.entries("SENTINEL SENTINELS", reply).stream()
                .map(SentinelPeer::of)
                .toList();
    }

    private static SentinelPeer of(SentinelFields fields) {
        return new SentinelPeer(
                fields.text("ip"),
                fields.small("port"),
                fields.text("runid"),
                fields.flags(),
                fields.whole("last-ok-ping-reply"),
                fields.optionalWhole("s-down-time"),
                fields.whole("last-hello-message"),
                fields.text("voted-leader"),
                fields.whole("voted-leader-epoch"));
    }
}
