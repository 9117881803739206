package io.steward.testing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Runs a parser on one generated input behind a hang guard, and hands back what it returned or what it threw. The
 * guard is generous, far above what any input here takes on a loaded machine: it only turns a parser that loops
 * into a failed property instead of a hung build.
 */
public final class Bounded {

    private static final Duration HANG_GUARD = Duration.ofSeconds(20);

    private Bounded() {}

    /** What the parser returned, or the exception it threw (then {@code value} is null). */
    public record Outcome<T>(T value, Throwable thrown) {

        public boolean threw() {
            return thrown != null;
        }
    }

    /**
     * Fails unless the parser returned, or threw {@code declared} itself: a subclass such as {@link
     * NumberFormatException} for {@link IllegalArgumentException} is a number parsed unchecked, not the parser's
     * word on a malformed reply.
     */
    public static <T> T returnedOrThrew(Outcome<T> outcome, Class<? extends Throwable> declared) {
        if (outcome.threw()) {
            org.assertj.core.api.Assertions.assertThat(outcome.thrown()).isExactlyInstanceOf(declared);
        }
        return outcome.value();
    }

    /** Fails unless the parser returned; hands back what it returned. */
    public static <T> T returned(Outcome<T> outcome) {
        org.assertj.core.api.Assertions.assertThat(outcome.thrown()).isNull();
        return outcome.value();
    }

    public static <T> Outcome<T> run(Callable<T> parse) {
        return assertTimeoutPreemptively(
                HANG_GUARD,
                () -> {
                    try {
                        return new Outcome<>(parse.call(), null);
                    } catch (Exception | StackOverflowError | OutOfMemoryError failure) {
                        return new Outcome<T>(null, failure);
                    }
                },
                "the parser still ran after " + HANG_GUARD.toSeconds() + " s: it loops");
    }
}
