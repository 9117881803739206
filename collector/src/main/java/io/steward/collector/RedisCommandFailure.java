package io.steward.collector;

/**
 * A command the server refused or could not answer, sorted into a {@link PollFailure}. The message never holds
 * credentials.
 *
 * @see #errorReply()
 */
public final class RedisCommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final PollFailure reason;
    private final boolean errorReply;

    RedisCommandFailure(PollFailure reason, boolean errorReply, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
        this.errorReply = errorReply;
    }

    static RedisCommandFailure of(Throwable failure) {
        return new RedisCommandFailure(
                PollFailure.classify(failure),
                failure instanceof io.lettuce.core.RedisCommandExecutionException,
                RootCause.message(failure),
                failure);
    }

    public PollFailure reason() {
        return reason;
    }

    /** Whether the server answered with an error (its own verdict) rather than the connection failing. */
    public boolean errorReply() {
        return errorReply;
    }
}
