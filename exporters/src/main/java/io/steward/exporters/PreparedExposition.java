package io.steward.exporters;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.steward.collector.GroupState;
import io.steward.collector.PollResult;
import io.steward.collector.Target;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Redis series of {@code /metrics}, encoded when each poll ends rather than when Prometheus asks. Each target's
 * poll is encoded once per format in use ({@link #prepare}), cut at family boundaries. A plain response joins the
 * targets' bytes family by family as it is sent: copying, no encoding. A gzip response starts with the joined bytes
 * compressed, which are kept until a poll or a group changes them.
 */
final class PreparedExposition {

    /** The text formats served from prepared bytes. */
    enum Format {
        TEXT,
        OPENMETRICS
    }

    /** The Redis part of a plain response: every source's families, joined as they are written. */
    static final class Join {
        private final FamilyIndex index;
        private final int[] order;
        private final List<EncodedFamilies> sources;
        /** By position in {@link #order}: the bytes written before that family. */
        private final long[] before;

        private Join(FamilyIndex index, List<EncodedFamilies> sources) {
            this.index = index;
            this.order = index.order();
            this.sources = sources;
            this.before = new long[order.length + 1];
            for (int at = 0; at < order.length; at++) {
                int family = order[at];
                long bytes = 0;
                boolean any = false;
                for (EncodedFamilies source : sources) {
                    if (source.has(family)) {
                        bytes += source.samplesLength(family);
                        any = true;
                    }
                }
                before[at + 1] = before[at] + (any ? bytes + index.header(family).length : 0);
            }
        }

        long length() {
            return before[order.length];
        }

        void writeTo(OutputStream out) throws IOException {
            writeTo(out, 0, order.length);
        }

        /** Families {@code [from, to)} in name order; each one's comment lines once, before its first samples. */
        void writeTo(OutputStream out, int from, int to) throws IOException {
            for (int at = from; at < to; at++) {
                int family = order[at];
                boolean headerWritten = false;
                for (EncodedFamilies source : sources) {
                    if (source.has(family)) {
                        if (!headerWritten) {
                            out.write(index.header(family));
                            headerWritten = true;
                        }
                        source.writeSamples(family, out);
                    }
                }
            }
        }

        /** Where to cut the families into at most {@code pieces} runs of about equal bytes: the runs' ends. */
        List<Integer> cuts(int pieces) {
            List<Integer> ends = new ArrayList<>();
            long share = Math.max(1, length() / pieces);
            for (int at = 1; at < order.length; at++) {
                if (before[at] >= share * (ends.size() + 1) && ends.size() < pieces - 1) {
                    ends.add(at);
                }
            }
            ends.add(order.length);
            return ends;
        }
    }

    private record Encoded(PollResult source, Map<Format, EncodedFamilies> formats) {}

    /** A gzip head and what it was made of: the sources, compared by identity. */
    private record Compressed(List<Object> sources, GzipJoin.Head head) {}

    private final Supplier<? extends Collection<PollResult>> results;
    private final Supplier<? extends Collection<GroupState>> groups;
    private final Map<Format, ExpositionFormatWriter> writers;
    private final Map<Format, FamilyIndex> indexes = new EnumMap<>(Format.class);
    private final Map<Format, Object> locks = new EnumMap<>(Format.class);
    private final Map<Format, Compressed> compressed = new ConcurrentHashMap<>();
    /**
     * When each format was last asked for ({@link System#nanoTime()}): each poll is encoded in those asked for within
     * {@link #FORMAT_KEPT}, so a one-off scrape in another format than Prometheus's does not double what every target
     * holds for good.
     */
    private final Map<Format, Long> lastAsked = new ConcurrentHashMap<>();

    private static final long FORMAT_KEPT = Duration.ofMinutes(10).toNanos();

    private final Map<String, Encoded> byTarget = new ConcurrentHashMap<>();
    private final ExecutorService compressors;
    private final int compressingThreads;

    /** Below this, one thread compresses: a second would cost more to start than it saves. */
    private static final long PARALLEL_FROM_BYTES = 1 << 20;

    PreparedExposition(
            Supplier<? extends Collection<PollResult>> results,
            Supplier<? extends Collection<GroupState>> groups,
            Map<Format, ExpositionFormatWriter> writers,
            ExecutorService compressors,
            int compressingThreads) {
        this.compressors = compressors;
        this.compressingThreads = compressingThreads;
        this.results = results;
        this.groups = groups;
        this.writers = writers;
        for (Format format : Format.values()) {
            indexes.put(format, new FamilyIndex());
            locks.put(format, new Object());
        }
    }

    /** Encodes a poll that just ended in every format in use, on the poller's thread. */
    void prepare(PollResult result) {
        Map<Format, EncodedFamilies> encoded = new EnumMap<>(Format.class);
        long now = System.nanoTime();
        lastAsked.forEach((format, asked) -> {
            if (now - asked < FORMAT_KEPT) {
                encoded.put(format, encode(result, format));
            }
        });
        byTarget.put(result.target().key(), new Encoded(result, encoded));
    }

    /** Drops what was prepared for a member that left its group. */
    void forget(Target target) {
        byTarget.remove(target.key());
    }

    /** The Redis part of a plain response in {@code format}, as the latest polls have it. */
    Join plain(Format format) {
        lastAsked.put(format, System.nanoTime());
        List<PollResult> current = List.copyOf(results.get());
        return new Join(indexes.get(format), sources(format, current, List.copyOf(groups.get())));
    }

    /** The Redis part of a gzip response in {@code format}, compressed anew only when a poll or a group changed. */
    GzipJoin.Head gzip(Format format) {
        lastAsked.put(format, System.nanoTime());
        synchronized (locks.get(format)) {
            List<PollResult> current = List.copyOf(results.get());
            List<GroupState> currentGroups = List.copyOf(groups.get());
            List<Object> made = new ArrayList<>(current.size() + currentGroups.size());
            made.addAll(currentGroups);
            made.addAll(current);
            Compressed last = compressed.get(format);
            if (last != null && sameElements(last.sources(), made)) {
                return last.head();
            }
            Join join = new Join(indexes.get(format), sources(format, current, currentGroups));
            GzipJoin.Head head = GzipJoin.head(compress(join));
            compressed.put(format, new Compressed(made, head));
            return head;
        }
    }

    /**
     * The joined families compressed in pieces, one per compressing thread when there is enough to share: a large
     * exposition is compressed in a fraction of the time one thread would take.
     */
    private List<GzipJoin.Piece> compress(Join join) {
        List<Integer> ends = join.cuts(join.length() < PARALLEL_FROM_BYTES ? 1 : compressingThreads);
        if (ends.size() == 1) {
            return List.of(piece(join, 0, ends.get(0)));
        }
        List<Future<GzipJoin.Piece>> futures = new ArrayList<>(ends.size());
        int from = 0;
        for (int end : ends) {
            int start = from;
            futures.add(compressors.submit(() -> piece(join, start, end)));
            from = end;
        }
        List<GzipJoin.Piece> done = new ArrayList<>(futures.size());
        for (Future<GzipJoin.Piece> future : futures) {
            try {
                done.add(future.get());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while compressing /metrics", interrupted);
            } catch (ExecutionException failed) {
                throw new IllegalStateException("compressing /metrics failed", failed.getCause());
            }
        }
        return done;
    }

    /** Families {@code [from, to)} of the join, compressed. */
    private static GzipJoin.Piece piece(Join join, int from, int to) {
        GzipJoin.PieceWriter writer = new GzipJoin.PieceWriter();
        try {
            join.writeTo(writer, from, to);
            return writer.finish();
        } catch (IOException impossible) {
            throw new UncheckedIOException("compressing in memory failed", impossible);
        }
    }

    private List<EncodedFamilies> sources(Format format, List<PollResult> current, List<GroupState> currentGroups) {
        List<EncodedFamilies> sources = new ArrayList<>(current.size() + 1);
        if (!currentGroups.isEmpty()) {
            sources.add(EncodedFamilies.encode(
                    RedisMetricsCollector.groupFamilies(currentGroups, current, true),
                    writers.get(format),
                    indexes.get(format)));
        }
        for (PollResult result : current) {
            sources.add(encodedFor(result, format));
        }
        if (byTarget.size() > current.size()) {
            byTarget.keySet()
                    .retainAll(current.stream().map(r -> r.target().key()).collect(Collectors.toSet()));
        }
        return sources;
    }

    /** The prepared encoding of a result, made now when its poll ended before the format was first asked for. */
    private EncodedFamilies encodedFor(PollResult result, Format format) {
        Encoded encoded = byTarget.get(result.target().key());
        if (encoded != null && encoded.source() == result && encoded.formats().containsKey(format)) {
            return encoded.formats().get(format);
        }
        EncodedFamilies families = encode(result, format);
        Map<Format, EncodedFamilies> formats = new EnumMap<>(Format.class);
        if (encoded != null && encoded.source() == result) {
            formats.putAll(encoded.formats());
        }
        formats.put(format, families);
        byTarget.compute(
                result.target().key(),
                (key, now) -> now == null || now.source() == result ? new Encoded(result, formats) : now);
        return families;
    }

    private EncodedFamilies encode(PollResult result, Format format) {
        return EncodedFamilies.encode(
                RedisMetricsCollector.familiesOf(result, true), writers.get(format), indexes.get(format));
    }

    private static boolean sameElements(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}
