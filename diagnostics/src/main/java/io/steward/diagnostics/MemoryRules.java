package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
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
                    "If the data must grow: " + raiseLimit(o, max, countedMemory(o) / 0.6)
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
                            + "\nFor data that must stay: " + raiseLimit(o, max, countedMemory(o) / 0.6)
                            + ", or delete data you no longer need"));
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
            Optional<MemoryLimit> ceiling = o.memoryCeiling();
            String holder = ceiling.map(MemoryLimit::holder).orElse("the host");
            if (cache) {
                evidence.add("keys with a TTL: " + expires + " of " + count(keys, "key") + ", and maxmemory-policy is "
                        + policy(o) + ": this looks like a cache, and a cache without a limit grows until " + holder
                        + " runs out");
            }
            ceiling.ifPresent(limit -> evidence.add(limit.describe()));
            String most = ceiling.map(limit -> configSizeDown(limit.bytes() * Sizing.DATA_SHARE))
                    .orElse("<about 75% of the memory Redis may use>");
            String set = o.primaryLink()
                    .map(primary -> "Give it its primary's limit (CONFIG GET maxmemory on " + primary.address()
                            + "): promoted, it must hold the same data under the same limit; CONFIG SET maxmemory"
                            + " <the primary's>, at most " + most)
                    .orElse("CONFIG SET maxmemory " + most + " (leaves about 25% for fork copy-on-write and buffers)");
            return Optional.of(new Symptom(
                    cache ? Severity.WARNING : Severity.INFO,
                    "maxmemory is not set: Redis grows until " + holder + " runs out of memory",
                    evidence,
                    set
                            + (cache ? "\nCONFIG SET maxmemory-policy allkeys-lru" : "")
                            + "\nand the same in redis.conf (or CONFIG REWRITE)"));
        });
    }

    static Rule nearSystemMemory() {
        return Rule.of("memory-near-system-memory", Area.MEMORY, Set.of(Source.INFO), o -> {
            Optional<MemoryLimit> ceiling = o.memoryCeiling();
            double rss = o.number("used_memory_rss", 0);
            if (ceiling.isEmpty() || rss / ceiling.get().bytes() <= HOST_LIMIT) {
                return Optional.empty();
            }
            MemoryLimit limit = ceiling.get();
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Redis holds " + percent(rss / limit.bytes()) + " of " + limit.what(),
                    List.of(
                            "used_memory_rss " + bytes(rss) + " of " + limit.describe() + " (warning above "
                                    + percent(HOST_LIMIT) + ")",
                            "maxmemory "
                                    + (o.number("maxmemory", 0) > 0 ? bytes(o.number("maxmemory", 0)) : "not set")),
                    "CONFIG SET maxmemory " + configSizeDown(limit.bytes() * Sizing.DATA_SHARE)
                            + " (or lower), so a fork or a burst of client buffers cannot run "
                            + limit.holder() + " out of memory"
                            + "\nOtherwise give Redis more memory or split the data across instances"));
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
            String raise = raiseLimit(o, o.number("maxmemory", 0), countedMemory(o) * 1.5);
            return Optional.of(new Symptom(
                    cache ? Severity.INFO : Severity.WARNING,
                    "Redis is evicting keys (" + perSecond(evicted / o.seconds()) + ")",
                    evidence,
                    cache
                            ? "Expected for a cache at its limit. If the hit rate suffers: " + raise
                            : "Keys with a TTL are being evicted before they expire: " + raise + ", or store less"));
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

    /**
     * {@code CONFIG SET maxmemory 60mb}, as far as the memory the server has allows; when it allows nothing more
     * than the limit now, says so instead.
     */
    static String raiseLimit(Observation o, double current, double wanted) {
        Sizing.Size size = Sizing.maxmemory(o, wanted);
        if (size.bounded() && size.configured() <= current) {
            return "no higher limit fits (" + size.bound() + "): give Redis more memory";
        }
        return "CONFIG SET maxmemory " + size.config() + (size.bounded() ? " (" + size.bound() + ")" : "");
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
