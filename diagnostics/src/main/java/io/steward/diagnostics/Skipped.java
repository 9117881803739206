package io.steward.diagnostics;

import java.util.Objects;

/** A rule that could not be judged, and why (a refused command, a single sample). */
public record Skipped(String id, Area area, String reason) {

    public Skipped {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(reason, "reason");
    }
}
