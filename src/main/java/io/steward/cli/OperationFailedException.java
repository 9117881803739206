package io.steward.cli;

/** The command ran but could not do what was asked (a file in the way, a disk that refuses writes). Exit 1. */
public final class OperationFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OperationFailedException(String message) {
        super(message);
    }
}
