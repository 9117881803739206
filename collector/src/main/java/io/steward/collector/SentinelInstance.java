package io.steward.collector;

import java.util.OptionalLong;
import java.util.Set;

/** What a Sentinel says of every server it watches (master, replica or other Sentinel) through the same flags. */
public sealed interface SentinelInstance permits SentinelMaster, SentinelReplica, SentinelPeer {

    String host();

    int port();

    /** The flags as the Sentinel sent them: {@code master}, {@code s_down}, {@code disconnected}, ... */
    Set<String> flags();

    /** How long ago the instance last answered a PING properly, in milliseconds. */
    long lastOkPingReplyMillis();

    /** How long the Sentinel has deemed it down, in milliseconds; empty while it does not. */
    OptionalLong subjectivelyDownMillis();

    default String address() {
        return host() + ":" + port();
    }

    /** Whether this Sentinel deems it down on its own ({@code s_down}). */
    default boolean subjectivelyDown() {
        return flags().contains("s_down");
    }

    /** Whether enough Sentinels agree that it is down to act on it ({@code o_down}; masters only). */
    default boolean objectivelyDown() {
        return flags().contains("o_down");
    }

    /** Up as redis_exporter counts it: neither {@code s_down} nor {@code o_down}. */
    default boolean ok() {
        return !subjectivelyDown() && !objectivelyDown();
    }

    /** Whether the Sentinel has no working connection to it. */
    default boolean disconnected() {
        return flags().contains("disconnected");
    }
}
