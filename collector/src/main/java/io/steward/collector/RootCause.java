package io.steward.collector;

/** The message an operator needs from a chain of exceptions: the innermost cause's. */
public final class RootCause {

    private RootCause() {}

    /** The message of the innermost cause, or its type when it has none. */
    public static String message(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
    }
}
