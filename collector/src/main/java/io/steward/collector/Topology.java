package io.steward.collector;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a group's members say the group is right now: derived, purely, from the latest snapshots of its members
 * (the Sentinels' views of their master, or the cluster nodes' {@code CLUSTER NODES}). The agent polls the
 * members it lists and drops those it no longer lists.
 */
public interface Topology {

    /** Every member to poll, data nodes and Sentinels, in a stable order. */
    List<Member> members();

    /**
     * A number every failover raises (Sentinel's config epoch of the master, a cluster's current epoch), so that a view
     * that shows an earlier primary again for a while is not taken for another failover; empty where none is known.
     */
    default OptionalLong epoch() {
        return OptionalLong.empty();
    }
}
