package io.steward.diagnostics;

import io.steward.collector.PollFailure;

/** The doctor could not read a server at all (down, wrong password, timeout). The message names the server. */
public final class DoctorException extends Exception {

    private static final long serialVersionUID = 1L;

    private final PollFailure reason;

    public DoctorException(PollFailure reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PollFailure reason() {
        return reason;
    }
}
