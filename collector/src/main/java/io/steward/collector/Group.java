package io.steward.collector;

import io.lettuce.core.RedisURI;
import java.util.List;
import java.util.Objects;

/**
 * What a target is made of: one server, or a replicated group whose members the agent discovers. A group's target
 * URI is the template of its data nodes' connections (credentials, timeout, TLS); its members differ in host and
 * port only.
 */
public sealed interface Group {

    /** A server watched on its own (or one member of a group). */
    Group NONE = new Single();

    /** The addresses the agent starts from, {@code host:port}: the Sentinels, or the cluster's seeds. */
    List<String> entryPoints();

    record Single() implements Group {
        @Override
        public List<String> entryPoints() {
            return List.of();
        }
    }

    /**
     * A primary and its replicas behind Sentinels.
     *
     * @param sentinelUri the template of the Sentinels' connections: their own credentials, or none
     */
    record Sentinel(String masterName, List<String> entryPoints, RedisURI sentinelUri) implements Group {
        public Sentinel {
            Objects.requireNonNull(masterName, "masterName");
            entryPoints = List.copyOf(entryPoints);
            Objects.requireNonNull(sentinelUri, "sentinelUri");
        }
    }

    /** A Redis Cluster, found from one or more seed nodes. */
    record Cluster(List<String> entryPoints) implements Group {
        public Cluster {
            entryPoints = List.copyOf(entryPoints);
        }
    }
}
