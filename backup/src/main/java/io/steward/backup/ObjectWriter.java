package io.steward.backup;

import java.io.OutputStream;

/**
 * The bytes of a new object on their way into a store. Nothing is visible until {@link #commit()}; {@link #abort()}
 * (or {@link #close()} without a commit) throws away what was sent.
 */
public abstract class ObjectWriter extends OutputStream {

    /** Makes the object visible under its key; fails when the key exists. Returns the number of bytes stored. */
    public abstract long commit();

    /** Drops everything written so far. Safe to call after a failure and more than once. */
    public abstract void abort();

    @Override
    public void close() {
        abort();
    }
}
