package io.steward.diagnostics;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The memory a server can really use, which bounds every size the doctor advises: the limit of the container the
 * doctor runs in when it runs beside the server, else the host's memory as the server reports it
 * ({@code total_system_memory}, which knows nothing of containers).
 */
@FunctionalInterface
public interface HostMemory {

    /** A ceiling in bytes and where it comes from, as evidence words ({@code total_system_memory}). */
    record Ceiling(double bytes, String source) {
        public Ceiling {
            Objects.requireNonNull(source, "source");
        }

        /** {@code 7.6 GiB (total_system_memory)}. */
        public String describe() {
            return Units.bytes(bytes) + " (" + source + ")";
        }
    }

    /** The ceiling of one server; empty when nothing says. */
    Optional<Ceiling> of(Observation server);

    /** The host's memory as the server reports it. */
    HostMemory FROM_INFO = server -> server.number("total_system_memory").stream()
            .filter(bytes -> bytes > 0)
            .mapToObj(bytes -> new Ceiling(bytes, "total_system_memory"))
            .findFirst();

    /**
     * The container's limit for the servers beside the doctor (when lower than the host's), the host's for the
     * others.
     *
     * @param limit the container's memory limit in bytes
     * @param source where the limit was read, for evidence ({@code cgroup v2 memory.max})
     * @param beside whether a server, by its address ({@code host:port}), runs where the doctor does
     */
    static HostMemory container(double limit, String source, Predicate<String> beside) {
        return server -> {
            Optional<Ceiling> host = FROM_INFO.of(server);
            if (!beside.test(
                            server.target().isMember()
                                    ? server.target().node()
                                    : server.target().address())
                    || (host.isPresent() && host.get().bytes() <= limit)) {
                return host;
            }
            return Optional.of(new Ceiling(limit, source));
        };
    }
}
