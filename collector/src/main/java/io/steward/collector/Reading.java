package io.steward.collector;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one probe of a snapshot yielded: a value, or why there is none (the server refused the command, it is not
 * read on this kind of server, or it was not due yet). Consumers never see a fallback value pretending to be data.
 */
public sealed interface Reading<T> {

    record Value<T>(T value) implements Reading<T> {
        public Value {
            Objects.requireNonNull(value, "value");
        }
    }

    record Unavailable<T>(String reason) implements Reading<T> {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <T> Reading<T> of(T value) {
        return new Value<>(value);
    }

    static <T> Reading<T> unavailable(String reason) {
        return new Unavailable<>(reason);
    }

    default Optional<T> optional() {
        return this instanceof Value<T> v ? Optional.of(v.value()) : Optional.empty();
    }

    default T orElse(T fallback) {
        return this instanceof Value<T> v ? v.value() : fallback;
    }

    /** The value; for callers that have checked, or tests. */
    default T orElseThrow() {
        if (this instanceof Value<T> v) {
            return v.value();
        }
        throw new java.util.NoSuchElementException(((Unavailable<T>) this).reason());
    }

    /** Why there is no value; empty when there is one. */
    default Optional<String> unavailableReason() {
        return this instanceof Unavailable<T> u ? Optional.of(u.reason()) : Optional.empty();
    }

    default <R> Reading<R> map(Function<T, R> mapper) {
        return this instanceof Value<T> v
                ? new Value<>(mapper.apply(v.value()))
                : new Unavailable<>(((Unavailable<T>) this).reason());
    }
}
