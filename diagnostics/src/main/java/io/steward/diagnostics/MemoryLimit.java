package io.steward.diagnostics;

import java.util.Objects;

/**
 * The most memory a server can have: the limit of the cgroup it runs in (a container, a systemd unit), or the
 * host's memory when no tighter limit is known. INFO shows only the host's ({@code total_system_memory}); a
 * cgroup's limit is read beside the server, by whoever runs the doctor there, and handed to the rules as this.
 *
 * @param source where the figure comes from: {@code total_system_memory}, or the cgroup file that set it
 */
public record MemoryLimit(long bytes, String source) {

    static final String HOST = "total_system_memory";

    public MemoryLimit {
        Objects.requireNonNull(source, "source");
        if (bytes <= 0) {
            throw new IllegalArgumentException("a memory limit must be positive: " + bytes);
        }
    }

    static MemoryLimit host(double totalSystemMemory) {
        return new MemoryLimit((long) totalSystemMemory, HOST);
    }

    /** Whether this is a cgroup's limit rather than the host's memory. */
    boolean ofCgroup() {
        return !source.equals(HOST);
    }

    /** {@code the host} or {@code its container}: what runs out of memory. */
    String holder() {
        return ofCgroup() ? "its container" : "the host";
    }

    /** {@code the host's memory} or {@code its container's memory limit}, for titles. */
    String what() {
        return ofCgroup() ? "its container's memory limit" : "the host's memory";
    }

    /** The figure with its source, for evidence. */
    String describe() {
        return ofCgroup()
                ? "the container's memory limit " + Units.bytes(bytes) + " (" + source + ")"
                : "total_system_memory " + Units.bytes(bytes) + " (the host's; a container limit can be lower)";
    }
}
