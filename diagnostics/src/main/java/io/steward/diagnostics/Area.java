package io.steward.diagnostics;

import java.util.Locale;

/** What part of the server a rule looks at; reports group findings by area, in this order on equal severity. */
public enum Area {
    MEMORY("Memory"),
    PERSISTENCE("Persistence and fork"),
    REPLICATION("Replication"),
    LATENCY("Latency"),
    CLIENTS("Clients"),
    SECURITY("Security"),
    CONFIG("Configuration"),
    SENTINEL("Sentinel"),
    CLUSTER("Cluster");

    private final String title;

    Area(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
