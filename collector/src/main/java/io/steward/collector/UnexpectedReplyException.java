package io.steward.collector;

/** The server answered, but not the way Redis answers: the port serves something else. */
final class UnexpectedReplyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnexpectedReplyException(String message) {
        super(message);
    }
}
