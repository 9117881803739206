package io.steward.backup;

/**
 * The shared schedule's database cannot be used: down, refusing the login, or holding tables the agent did not make.
 * The message names the database and what to do; it never holds the password.
 */
public final class ScheduleDatabaseException extends RuntimeException {

    /** Whether trying again later may help (the database is down or unreachable) or an operator must act first. */
    public enum Kind {
        UNREACHABLE,
        REFUSED,
        FOREIGN_SCHEMA
    }

    private final Kind kind;

    public ScheduleDatabaseException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
