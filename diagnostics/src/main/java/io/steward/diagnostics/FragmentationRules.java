package io.steward.diagnostics;

import static io.steward.diagnostics.Units.MIB;
import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.ratio;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How the process's memory compares with the data it holds, with MEMORY DOCTOR's thresholds: a ratio alone
 * means nothing on a small instance, so each also needs an absolute excess, and nothing is judged below 5 MiB.
 */
final class FragmentationRules {

    static final double EMPTY = 5 * MIB;
    static final double EXCESS = 10 * MIB;
    static final double TOTAL_RATIO = 1.4;
    static final double ALLOCATOR_RATIO = 1.1;
    static final double PEAK_RATIO = 1.5;
    static final double SWAP_FLOOR = 100 * MIB;

    private FragmentationRules() {}

    static List<Rule> all() {
        return List.of(fragmentation(), swapping(), allocatorFragmentation(), allocatorRss(), rssOverhead(), peak());
    }

    static boolean tooEmpty(Observation o) {
        return o.number("used_memory", 0) < EMPTY;
    }

    static double peakRatio(Observation o) {
        double used = o.number("used_memory", 0);
        return used > 0 ? o.number("used_memory_peak", 0) / used : 0;
    }

    static Rule fragmentation() {
        return Rule.of("memory-fragmentation", Area.MEMORY, Set.of(Source.INFO), o -> {
            double ratio = o.number("mem_fragmentation_ratio", 0);
            double excess = o.number("mem_fragmentation_bytes")
                    .orElse(o.number("used_memory_rss", 0) - o.number("used_memory", 0));
            if (tooEmpty(o) || ratio <= TOTAL_RATIO || excess <= EXCESS) {
                return Optional.empty();
            }
            boolean afterPeak = peakRatio(o) > PEAK_RATIO;
            String allocator = o.text("mem_allocator").orElse("unknown");
            List<String> evidence = new ArrayList<>();
            evidence.add("mem_fragmentation_ratio " + ratio(ratio) + ", mem_fragmentation_bytes " + bytes(excess)
                    + " (warning above " + TOTAL_RATIO + " and " + bytes(EXCESS) + ")");
            evidence.add("used_memory " + bytes(o.number("used_memory", 0)) + ", used_memory_rss "
                    + bytes(o.number("used_memory_rss", 0)) + ", allocator " + allocator);
            if (afterPeak) {
                evidence.add("used_memory_peak " + bytes(o.number("used_memory_peak", 0)) + " is " + ratio(peakRatio(o))
                        + " times the data now: the allocator keeps pages from the peak, which is harmless");
            }
            ServerAdvice.memoryDoctorAgrees(o, "High total RSS").ifPresent(evidence::add);
            String remedy = allocator.startsWith("jemalloc")
                    ? defragRemedy(o)
                            + "\nIf RSS must come down now: MEMORY PURGE, or restart (fail over to a replica first)"
                    : "Run a Redis built with jemalloc (the default on Linux): " + allocator + " fragments far more";
            return Optional.of(new Symptom(
                    afterPeak ? Severity.INFO : Severity.WARNING,
                    "The process holds " + ratio(ratio) + " times the memory of its data (" + bytes(excess) + " more)"
                            + (afterPeak ? ", left over from a peak" : ""),
                    evidence,
                    remedy));
        });
    }

    static Rule swapping() {
        return Rule.of("memory-swapping", Area.MEMORY, Set.of(Source.INFO), o -> {
            double ratio = o.number("mem_fragmentation_ratio", 0);
            double used = o.number("used_memory", 0);
            if (ratio <= 0 || ratio >= 1 || used < SWAP_FLOOR) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.CRITICAL,
                    "Redis is probably swapping: its resident memory is smaller than its data",
                    List.of(
                            "used_memory_rss " + bytes(o.number("used_memory_rss", 0)) + " < used_memory " + bytes(used)
                                    + " (mem_fragmentation_ratio " + ratio(ratio) + ")",
                            "every access to a swapped page waits for the disk"),
                    "On the host, confirm with: grep VmSwap /proc/"
                            + o.text("process_id").orElse("<pid>") + "/status"
                            + "\nGive Redis the RAM it needs: lower maxmemory, stop memory-hungry neighbours, or add RAM"
                            + "\nand turn swap off for Redis hosts (vm.swappiness=1 or swapoff)"));
        });
    }

    static Rule allocatorFragmentation() {
        return Rule.of(
                "memory-allocator-fragmentation",
                Area.MEMORY,
                Set.of(Source.INFO),
                o -> allocatorRatio(o, "allocator_frag", "High allocator fragmentation")
                        .map(evidence -> new Symptom(
                                Severity.WARNING,
                                "The allocator holds " + ratio(o.number("allocator_frag_ratio", 0))
                                        + "x the memory the data needs (" + bytes(o.number("allocator_frag_bytes", 0))
                                        + " more): freed space is scattered over half-empty pages",
                                evidence,
                                defragRemedy(o))));
    }

    static Rule allocatorRss() {
        return Rule.of(
                "memory-allocator-rss",
                Area.MEMORY,
                Set.of(Source.INFO),
                o -> allocatorRatio(o, "allocator_rss", "High allocator RSS overhead")
                        .map(evidence -> new Symptom(
                                Severity.INFO,
                                "The allocator holds " + bytes(o.number("allocator_rss_bytes", 0))
                                        + " of freed pages it has not returned to the system",
                                evidence,
                                "MEMORY PURGE asks jemalloc to return them now (cheap; run it at a quiet moment)")));
    }

    static Rule rssOverhead() {
        return Rule.of(
                "memory-rss-overhead",
                Area.MEMORY,
                Set.of(Source.INFO),
                o -> allocatorRatio(o, "rss_overhead", "High process RSS overhead")
                        .map(evidence -> {
                            List<String> all = new ArrayList<>(evidence);
                            o.number("used_memory_lua").ifPresent(lua -> all.add("used_memory_lua " + bytes(lua)));
                            return new Symptom(
                                    Severity.WARNING,
                                    "The process holds " + bytes(o.number("rss_overhead_bytes", 0))
                                            + " outside the allocator (Lua, modules, thread stacks)",
                                    all,
                                    "Look at what else lives in the process: the Lua engine (used_memory_lua; SCRIPT FLUSH if it"
                                            + " is large) and loaded modules (MODULE LIST)");
                        }));
    }

    static Rule peak() {
        return Rule.of("memory-peak", Area.MEMORY, Set.of(Source.INFO), o -> {
            if (tooEmpty(o) || peakRatio(o) <= PEAK_RATIO) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.INFO,
                    "Memory peaked at " + bytes(o.number("used_memory_peak", 0)) + ", " + ratio(peakRatio(o))
                            + " times what the data uses now",
                    List.of(
                            "used_memory_peak " + bytes(o.number("used_memory_peak", 0)) + ", used_memory "
                                    + bytes(o.number("used_memory", 0)) + " (note above " + PEAK_RATIO + " times)",
                            "the allocator keeps most of those pages and reuses them as data grows again"),
                    "Harmless on its own. To give the pages back: MEMORY PURGE; if RSS stays high, restart"
                            + " (fail over to a replica first)"));
        });
    }

    /** The evidence for an allocator ratio rule ({@code allocator_frag}, ...), when it is over both thresholds. */
    private static Optional<List<String>> allocatorRatio(Observation o, String prefix, String doctorHeading) {
        double ratio = o.number(prefix + "_ratio", 0);
        double excess = o.number(prefix + "_bytes", 0);
        if (tooEmpty(o) || ratio <= ALLOCATOR_RATIO || excess <= EXCESS) {
            return Optional.empty();
        }
        List<String> evidence = new ArrayList<>();
        evidence.add(prefix + "_ratio " + ratio(ratio) + ", " + prefix + "_bytes " + bytes(excess) + " (above "
                + ALLOCATOR_RATIO + " and " + bytes(EXCESS) + ")");
        evidence.add("used_memory " + bytes(o.number("used_memory", 0)) + ", used_memory_rss "
                + bytes(o.number("used_memory_rss", 0)));
        ServerAdvice.memoryDoctorAgrees(o, doctorHeading).ifPresent(evidence::add);
        return Optional.of(evidence);
    }

    private static String defragRemedy(Observation o) {
        if (o.configText("activedefrag").orElse("no").equals("yes")) {
            return "Active defrag is on; it starts only above active-defrag-ignore-bytes (100mb by default) and"
                    + " active-defrag-threshold-lower (10%): lower them to let it work, or raise active-defrag-cycle-max";
        }
        return "CONFIG SET activedefrag yes (defragments in the background, using at most active-defrag-cycle-max"
                + " percent of a CPU)\nand activedefrag yes in redis.conf";
    }
}
