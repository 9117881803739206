package io.steward.diagnostics;

/** What a rule reads. A source the server refuses (ACL, managed Redis) makes the rules that need it skip. */
public enum Source {
    INFO("INFO"),
    RATES("a second INFO sample"),
    CONFIG("CONFIG GET"),
    LATENCY("LATENCY LATEST"),
    LATENCY_DOCTOR("LATENCY DOCTOR"),
    MEMORY_DOCTOR("MEMORY DOCTOR"),
    SLOWLOG("SLOWLOG GET"),
    CLIENT_LIST("CLIENT LIST"),
    ACL("ACL LIST"),
    ROLE("ROLE"),
    CLUSTER("CLUSTER INFO");

    private final String command;

    Source(String command) {
        this.command = command;
    }

    /** The command (or sample) as an operator would name it. */
    public String command() {
        return command;
    }
}
