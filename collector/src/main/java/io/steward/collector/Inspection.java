package io.steward.collector;

import java.util.List;
import java.util.Objects;

/**
 * What only the doctor reads, on a slow cadence (each costs Redis far more than a poll, {@code CLIENT LIST} in
 * proportion to the clients): Redis's own doctors, the slow log in depth, the clients, the ACL users and the
 * replica's link state from {@code ROLE}. In between reads the last values stand.
 *
 * @param slowlog the slow log's newest entries, without those of the agent's own connections
 * @param replicaLinkState from {@code ROLE} on a replica ({@code connect}, {@code connecting}, {@code sync},
 *     {@code connected}); empty text on a primary
 */
public record Inspection(
        Reading<String> memoryDoctor,
        Reading<String> latencyDoctor,
        Reading<List<SlowlogEntry>> slowlog,
        Reading<ClientList> clients,
        Reading<List<AclUser>> aclUsers,
        Reading<String> replicaLinkState) {

    public Inspection {
        Objects.requireNonNull(memoryDoctor, "memoryDoctor");
        Objects.requireNonNull(latencyDoctor, "latencyDoctor");
        Objects.requireNonNull(slowlog, "slowlog");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(aclUsers, "aclUsers");
        Objects.requireNonNull(replicaLinkState, "replicaLinkState");
    }

    /** Nothing of it was read, for one reason. */
    public static Inspection none(String reason) {
        return new Inspection(
                Reading.unavailable(reason),
                Reading.unavailable(reason),
                Reading.unavailable(reason),
                Reading.unavailable(reason),
                Reading.unavailable(reason),
                Reading.unavailable(reason));
    }
}
