package io.steward.cli;

/** The command could not do its work for a reason outside the user's input: a port in use, a server down. */
public final class CouldNotRunException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CouldNotRunException(String message) {
        super(message);
    }
}
