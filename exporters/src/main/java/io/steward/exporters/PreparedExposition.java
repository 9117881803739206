package io.steward.exporters;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.steward.collector.GroupState;
import io.steward.collector.PollResult;
import io.steward.collector.Target;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
        private final List<EncodedFamilies> sources;
        private final long length;

        private Join(FamilyIndex index, List<EncodedFamilies> sources) {
            this.index = index;
            this.sources = sources;
            long total = 0;
            for (int family : index.order()) {
                boolean any = false;
                for (EncodedFamilies source : sources) {
                    if (source.has(family)) {
                        total += source.samplesLength(family);
                        any = true;
                    }
                }
                total += any ? index.header(family).length : 0;
            }
            this.length = total;
        }

        long length() {
            return length;
        }

        /** Family by family, in name order; each family's comment lines once, before the first source's samples. */
        void writeTo(OutputStream out) throws IOException {
            for (int family : index.order()) {
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
    /** The formats a scrape has asked for: each poll is encoded in these. */
    private final Map<Format, Boolean> inUse = new ConcurrentHashMap<>();

    private final Map<String, Encoded> byTarget = new ConcurrentHashMap<>();

    PreparedExposition(
            Supplier<? extends Collection<PollResult>> results,
            Supplier<? extends Collection<GroupState>> groups,
            Map<Format, ExpositionFormatWriter> writers) {
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
        for (Format format : inUse.keySet()) {
            encoded.put(format, encode(result, format));
        }
        byTarget.put(result.target().key(), new Encoded(result, encoded));
    }

    /** Drops what was prepared for a member that left its group. */
    void forget(Target target) {
        byTarget.remove(target.key());
    }

    /** The Redis part of a plain response in {@code format}, as the latest polls have it. */
    Join plain(Format format) {
        inUse.put(format, Boolean.TRUE);
        List<PollResult> current = List.copyOf(results.get());
        return new Join(indexes.get(format), sources(format, current, List.copyOf(groups.get())));
    }

    /** The Redis part of a gzip response in {@code format}, compressed anew only when a poll or a group changed. */
    GzipJoin.Head gzip(Format format) {
        inUse.put(format, Boolean.TRUE);
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
            GzipJoin.HeadWriter head = new GzipJoin.HeadWriter();
            try {
                join.writeTo(head);
                GzipJoin.Head done = head.finish();
                compressed.put(format, new Compressed(made, done));
                return done;
            } catch (IOException impossible) {
                throw new UncheckedIOException("writing to memory failed", impossible);
            }
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
