package io.steward.diagnostics;

import io.steward.collector.LatencyEvent;
import io.steward.collector.ServerConfig;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the doctor reads besides the INFO samples. A source the server refused is absent from its field (empty
 * text, empty list) and present in {@code unavailable} with the server's reason.
 *
 * @param replicaLinkState the replica's link state from {@code ROLE} ({@code connect}, {@code connecting},
 *     {@code sync}, {@code connected}); empty on a primary
 */
public record Extras(
        ServerConfig config,
        List<LatencyEvent> latencyEvents,
        String latencyDoctor,
        String memoryDoctor,
        List<SlowlogEntry> slowlog,
        ClientList clients,
        List<AclUser> aclUsers,
        String replicaLinkState,
        Map<Source, String> unavailable) {

    public Extras {
        Objects.requireNonNull(config, "config");
        latencyEvents = List.copyOf(latencyEvents);
        Objects.requireNonNull(latencyDoctor, "latencyDoctor");
        Objects.requireNonNull(memoryDoctor, "memoryDoctor");
        slowlog = List.copyOf(slowlog);
        Objects.requireNonNull(clients, "clients");
        aclUsers = List.copyOf(aclUsers);
        Objects.requireNonNull(replicaLinkState, "replicaLinkState");
        unavailable = unavailable.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(unavailable));
    }

    /** Nothing could be read beyond INFO, for the given reason. */
    public static Extras none(String reason) {
        Map<Source, String> all = new EnumMap<>(Source.class);
        for (Source source : Source.values()) {
            if (source != Source.INFO && source != Source.RATES) {
                all.put(source, reason);
            }
        }
        return new Extras(
                ServerConfig.unavailable(),
                List.of(),
                "",
                "",
                List.of(),
                new ClientList(0, 0, 0, 0, List.of(), List.of()),
                List.of(),
                "",
                all);
    }
}
