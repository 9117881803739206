package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.configSize;
import static io.steward.diagnostics.Units.configSizeDown;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;
import static io.steward.diagnostics.Units.perSecond;
import static io.steward.diagnostics.Units.percent;

import io.steward.collector.Keyspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Memory limits and eviction: how close the data is to its limits and what Redis does when it gets there. */
final class MemoryRules {

    static final double NEAR_LIMIT = 0.7;
    static final double AT_LIMIT = 0.9;
    static final double HOST_LIMIT = 0.9;
    static final int MANY_SCRIPTS = 1000;

    private MemoryRules() {}

    static List<Rule> all() {
        return List.of(
                nearMaxmemory(),
                noevictionAtLimit(),
                maxmemoryUnset(),
                nearSystemMemory(),
                volatilePolicyWithoutTtl(),
                evictions(),
                luaScripts());
    }

    /** used_memory as eviction counts it: replication and AOF buffers are not evicted for. */
    static double countedMemory(Observation o) {
        return o.number("used_memory", 0) - o.number("mem_not_counted_for_evict", 0);
    }

    static String policy(Observation o) {
        return o.text("maxmemory_policy").orElse("noeviction");
    }

    static Rule nearMaxmemory() {
        return Rule.of("memory-near-maxmemory", Area.MEMORY, Set.of(Source.INFO), o -> {
            double max = o.number("maxmemory", 0);
            String policy = policy(o);
            if (max <= 0 || policy.startsWith("allkeys")) {
                return Optional.empty(); // allkeys-* caches live at the limit by design
            }
            double fraction = countedMemory(o) / max;
            if (fraction < NEAR_LIMIT || (policy.equals("noeviction") && fraction >= 1)) {
                return Optional.empty(); // at the limit with noeviction, memory-noeviction-at-limit speaks
            }
            String why = policy.equals("noeviction")
                    ? "the policy noeviction makes room for nothing"
                    : policy + " can evict only keys with a TTL";
            List<String> evidence = new ArrayList<>();
            evidence.add(memoryUse(o, max) + " (warning from " + percent(NEAR_LIMIT) + ", critical from "
                    + percent(AT_LIMIT) + ")");
            evidence.add("maxmemory-policy " + policy
                    + ": once the limit is reached, writes that need memory fail with OOM");
            datasetShare(o).ifPresent(evidence::add);
            return Optional.of(new Symptom(
                    fraction >= AT_LIMIT ? Severity.CRITICAL : Severity.WARNING,
                    "Memory is at " + percent(fraction) + " of maxmemory and " + why,
                    evidence,
                    "Raise the limit if the host has room: CONFIG SET maxmemory " + configSize(countedMemory(o) / 0.6)
                            + "\nFor a cache: CONFIG SET maxmemory-policy allkeys-lru"
                            + "\nOtherwise delete data you no longer need, or give it a TTL (EXPIRE)"));
        });
    }

    static Rule noevictionAtLimit() {
        return Rule.of("memory-noeviction-at-limit", Area.MEMORY, Set.of(Source.INFO), o -> {
            double max = o.number("maxmemory", 0);
            if (max <= 0 || !policy(o).equals("noeviction")) {
                return Optional.empty();
            }
            double oomErrors = o.errorDelta("OOM").orElse(0);
            if (countedMemory(o) < max && oomErrors == 0) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add(memoryUse(o, max));
            if (oomErrors > 0) {
                evidence.add("errorstat_OOM grew by " + count(oomErrors) + " in " + duration(o.seconds())
                        + ": clients are getting \"OOM command not allowed\"");
            }
            evidence.add("maxmemory-policy noeviction: Redis refuses writes instead of evicting");
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    "Writes are failing: memory is at maxmemory and the policy is noeviction",
                    evidence,
                    "For a cache: CONFIG SET maxmemory-policy allkeys-lru"
                            + "\nFor data that must stay: CONFIG SET maxmemory " + configSize(countedMemory(o) / 0.6)
                            + " if the host has room, or delete data you no longer need"));
        });
    }

    static Rule maxmemoryUnset() {
        return Rule.of("memory-maxmemory-unset", Area.MEMORY, Set.of(Source.INFO), o -> {
            if (o.number("maxmemory").isEmpty() || o.number("maxmemory", 0) > 0) {
                return Optional.empty();
            }
            long keys = o.keyspace().totalKeys();
            long expires = keysWithTtl(o);
            boolean cache = !policy(o).equals("noeviction") || (keys > 0 && expires * 2 >= keys);
            List<String> evidence = new ArrayList<>();
            evidence.add("maxmemory 0: no limit; used_memory " + bytes(o.number("used_memory", 0)));
            if (cache) {
                evidence.add(expires + " of " + keys + " keys have a TTL and maxmemory-policy is " + policy(o)
                        + ": this looks like a cache, and a cache without a limit grows until the host runs out");
            }
            double system = o.number("total_system_memory", 0);
            String size = system > 0 ? configSizeDown(system * 0.75) : "<about 75% of the memory Redis may use>";
            if (system > 0) {
                evidence.add("total_system_memory " + bytes(system) + " (the host's; a container limit can be lower)");
            }
            return Optional.of(new Symptom(
                    cache ? Severity.WARNING : Severity.INFO,
                    "maxmemory is not set: Redis grows until the host runs out of memory",
                    evidence,
                    "CONFIG SET maxmemory " + size + " (leaves about 25% for fork copy-on-write and buffers)"
                            + (cache ? "\nCONFIG SET maxmemory-policy allkeys-lru" : "")
                            + "\nand the same in redis.conf (or CONFIG REWRITE)"));
        });
    }

    static Rule nearSystemMemory() {
        return Rule.of("memory-near-system-memory", Area.MEMORY, Set.of(Source.INFO), o -> {
            double system = o.number("total_system_memory", 0);
            double rss = o.number("used_memory_rss", 0);
            if (system <= 0 || rss / system <= HOST_LIMIT) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Redis holds " + percent(rss / system) + " of the host's memory",
                    List.of(
                            "used_memory_rss " + bytes(rss) + " of total_system_memory " + bytes(system)
                                    + " (warning above " + percent(HOST_LIMIT) + ")",
                            "maxmemory "
                                    + (o.number("maxmemory", 0) > 0 ? bytes(o.number("maxmemory", 0)) : "not set")),
                    "CONFIG SET maxmemory " + configSizeDown(system * 0.75)
                            + " (or lower), so a fork or a burst of client buffers cannot run the host out of memory"
                            + "\nOtherwise move Redis to a bigger host or split the data across instances"));
        });
    }

    static Rule volatilePolicyWithoutTtl() {
        return Rule.of("memory-volatile-policy-without-ttl", Area.MEMORY, Set.of(Source.INFO), o -> {
            long keys = o.keyspace().totalKeys();
            long expires = keysWithTtl(o);
            if (!policy(o).startsWith("volatile") || o.number("maxmemory", 0) <= 0 || keys == 0 || expires > 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "maxmemory-policy " + policy(o) + " can evict nothing: no key has a TTL",
                    List.of(
                            "keyspace: " + count(keys, "key") + ", 0 with a TTL",
                            "at maxmemory, " + policy(o) + " behaves like noeviction: writes fail with OOM"),
                    "For a cache: CONFIG SET maxmemory-policy allkeys-lru"
                            + "\nOr give the keys that may go a TTL (SET key value EX seconds, EXPIRE)"));
        });
    }

    static Rule evictions() {
        return Rule.of("memory-evictions", Area.MEMORY, Set.of(Source.INFO, Source.RATES), o -> {
            double evicted = o.delta("evicted_keys").orElse(0);
            if (evicted <= 0) {
                return Optional.empty();
            }
            boolean cache = policy(o).startsWith("allkeys");
            List<String> evidence = new ArrayList<>();
            evidence.add("evicted_keys grew by " + count(evicted) + " in " + duration(o.seconds()) + " ("
                    + perSecond(evicted / o.seconds()) + "), maxmemory-policy " + policy(o));
            evidence.add(memoryUse(o, o.number("maxmemory", 0)));
            double hits = o.delta("keyspace_hits").orElse(0);
            double misses = o.delta("keyspace_misses").orElse(0);
            if (hits + misses > 0) {
                evidence.add("hit rate in the sample " + percent(hits / (hits + misses)));
            }
            return Optional.of(new Symptom(
                    cache ? Severity.INFO : Severity.WARNING,
                    "Redis is evicting keys (" + perSecond(evicted / o.seconds()) + ")",
                    evidence,
                    cache
                            ? "Expected for a cache at its limit. If the hit rate suffers, raise maxmemory: CONFIG SET"
                                    + " maxmemory " + configSize(countedMemory(o) * 1.5)
                            : "Keys with a TTL are being evicted before they expire. Raise the limit: CONFIG SET maxmemory "
                                    + configSize(countedMemory(o) * 1.5) + ", or store less"));
        });
    }

    static Rule luaScripts() {
        return Rule.of("memory-lua-scripts", Area.MEMORY, Set.of(Source.INFO), o -> {
            double scripts = o.number("number_of_cached_scripts", 0);
            if (scripts <= MANY_SCRIPTS) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("number_of_cached_scripts " + count(scripts) + " (warning above " + MANY_SCRIPTS + ")");
            o.number("used_memory_scripts_eval").ifPresent(m -> evidence.add("used_memory_scripts_eval " + bytes(m)));
            ServerAdvice.memoryDoctorAgrees(o, "Many scripts").ifPresent(evidence::add);
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    count(scripts) + " Lua scripts are cached: scripts are probably generated per call",
                    evidence,
                    "Pass keys and values as KEYS/ARGV instead of building them into the script text, and call the"
                            + " script by EVALSHA; SCRIPT FLUSH ASYNC frees the cache now"));
        });
    }

    /** Keys with a TTL, in every database. */
    static long keysWithTtl(Observation o) {
        return o.keyspace().databases().stream()
                .mapToLong(Keyspace.Database::expires)
                .sum();
    }

    /** What MEMORY STATS says the memory holds: how much is data rather than overhead, and the cost per key. */
    static Optional<String> datasetShare(Observation o) {
        Double dataset = o.memoryStats().values().get("dataset.percentage");
        Double perKey = o.memoryStats().values().get("keys.bytes-per-key");
        if (dataset == null || perKey == null) {
            return Optional.empty();
        }
        return Optional.of("MEMORY STATS: the data is " + String.format(java.util.Locale.ROOT, "%.0f%%", dataset)
                + " of it (the rest is overhead: buffers, dictionaries, replication), " + count(perKey)
                + " bytes per key");
    }

    /** {@code used_memory 950.0 MiB is 95.0% of maxmemory 1.0 GiB}. */
    static String memoryUse(Observation o, double max) {
        double used = o.number("used_memory", 0);
        double notCounted = o.number("mem_not_counted_for_evict", 0);
        String counted =
                notCounted > 0 ? " (" + bytes(used - notCounted) + " without replication and AOF buffers)" : "";
        return max > 0
                ? "used_memory " + bytes(used) + counted + " is " + percent(countedMemory(o) / max) + " of maxmemory "
                        + bytes(max)
                : "used_memory " + bytes(used) + ", maxmemory not set";
    }
}
