package io.steward.collector;

/** What a server says it is in {@code INFO replication}'s {@code role} field. */
public enum Role {
    PRIMARY("master"),
    REPLICA("slave"),
    UNKNOWN("unknown");

    private final String infoName;

    Role(String infoName) {
        this.infoName = infoName;
    }

    /** The word Redis uses ({@code master}, {@code slave}), which redis_exporter's labels carry too. */
    public String infoName() {
        return infoName;
    }

    /** The word for people: primary, replica. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Role fromInfo(String role) {
        for (Role candidate : values()) {
            if (candidate.infoName.equals(role)) {
                return candidate;
            }
        }
        return UNKNOWN;
    }
}
