package io.steward.collector;

import java.util.List;

/**
 * The collector's parsers of the doctor's replies, for tests elsewhere that build snapshots from real captures. The
 * parsers stay package-private: in production only the probes call them.
 */
public final class ReplyParsers {

    private ReplyParsers() {}

    public static List<LatencyEvent> latencyLatest(List<?> reply) {
        return LatencyEvent.parseLatest(reply);
    }

    public static List<SlowlogEntry> slowlog(List<?> reply) {
        return SlowlogEntry.parse(reply);
    }

    public static ClientList clientList(String text) {
        return ClientList.parse(text);
    }

    public static List<AclUser> aclList(List<String> lines) {
        return AclUser.parse(lines);
    }

    public static ClusterNodes clusterNodes(String text) {
        return ClusterNodes.parse(text);
    }

    public static List<SentinelMaster> sentinelMasters(Object reply) {
        return SentinelMaster.parse(reply);
    }

    public static List<SentinelReplica> sentinelReplicas(Object reply) {
        return SentinelReplica.parse(reply);
    }

    public static List<SentinelPeer> sentinelPeers(Object reply) {
        return SentinelPeer.parse(reply);
    }

    public static SentinelConfig sentinelConfig(Object reply) {
        return SentinelConfig.parse(reply);
    }
}
