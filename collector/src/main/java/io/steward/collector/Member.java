package io.steward.collector;

import java.util.Objects;

/**
 * One server of a replicated group as its topology names it: a data node (primary or replica) or a Sentinel.
 *
 * @param node {@code host:port}, the {@code node} label of its series
 * @param kind whether it holds data or is a Sentinel
 * @param role what the topology says it is; a member's own INFO has the last word on its series
 * @param shard the shard it belongs to: the cluster shard's id, or the Sentinel master name; empty for a Sentinel
 */
public record Member(String node, Kind kind, Role role, String shard) {

    public enum Kind {
        DATA,
        SENTINEL
    }

    public Member {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(shard, "shard");
    }

    public String host() {
        return node.substring(0, node.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
    }
}
