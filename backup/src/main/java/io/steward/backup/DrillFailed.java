package io.steward.backup;

/** A drill that stopped for one of its reasons; caught inside the drill and turned into its result, never thrown out. */
final class DrillFailed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final DrillFailure reason;

    DrillFailed(DrillFailure reason, String message) {
        super(message);
        this.reason = reason;
    }

    DrillFailure reason() {
        return reason;
    }
}
