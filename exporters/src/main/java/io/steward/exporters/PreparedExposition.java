package io.steward.exporters;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.steward.collector.GroupState;
import io.steward.collector.PollResult;
import io.steward.collector.Target;
import java.io.ByteArrayOutputStream;
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
 * poll is encoded once per format in use ({@link #prepare}), cut at family boundaries; a scrape joins the targets'
 * bytes family by family, and the joined exposition (plain, or gzip up to a sync flush) is kept until a poll or a
 * group changes it. A scrape between two polls then costs what sending the bytes costs.
 */
final class PreparedExposition {

    /** The text formats served from prepared bytes. */
    enum Format {
        TEXT,
        OPENMETRICS
    }

    /** The Redis part of one response: plain bytes, or the head of a gzip member. */
    record Part(byte[] plain, GzipJoin.Head gzip) {}

    private record Encoded(PollResult source, Map<Format, EncodedFamilies> formats) {}

    /** What a format's last joined exposition was made of: the sources, compared by identity. */
    private record Joined(List<Object> sources, byte[] plain, GzipJoin.Head gzip) {}

    private final Supplier<? extends Collection<PollResult>> results;
    private final Supplier<? extends Collection<GroupState>> groups;
    private final Map<Format, ExpositionFormatWriter> writers;
    private final Map<Format, FamilyIndex> indexes = new EnumMap<>(Format.class);
    private final Map<Format, Object> locks = new EnumMap<>(Format.class);
    private final Map<Format, Joined> joined = new ConcurrentHashMap<>();
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

    /** The Redis part of a response in {@code format}, joined anew only when a poll or a group has changed it. */
    Part part(Format format, boolean gzip) {
        inUse.put(format, Boolean.TRUE);
        synchronized (locks.get(format)) {
            List<PollResult> current = List.copyOf(results.get());
            List<GroupState> currentGroups = List.copyOf(groups.get());
            List<Object> sources = new ArrayList<>(current.size() + currentGroups.size());
            sources.addAll(currentGroups);
            sources.addAll(current);
            Joined last = joined.get(format);
            if (last == null || !sameElements(last.sources(), sources)) {
                last = new Joined(sources, null, null);
            }
            if ((gzip ? last.gzip() : last.plain()) == null) {
                last = join(format, gzip, current, currentGroups, last);
                joined.put(format, last);
            }
            if (byTarget.size() > current.size()) {
                byTarget.keySet()
                        .retainAll(current.stream().map(r -> r.target().key()).collect(Collectors.toSet()));
            }
            return new Part(last.plain(), gzip ? last.gzip() : null);
        }
    }

    private Joined join(
            Format format, boolean gzip, List<PollResult> current, List<GroupState> currentGroups, Joined last) {
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
        try {
            if (gzip) {
                GzipJoin.HeadWriter head = new GzipJoin.HeadWriter();
                write(format, sources, head);
                return new Joined(last.sources(), last.plain(), head.finish());
            }
            ByteArrayOutputStream plain = new ByteArrayOutputStream(64 * 1024);
            write(format, sources, plain);
            return new Joined(last.sources(), plain.toByteArray(), last.gzip());
        } catch (IOException impossible) {
            throw new UncheckedIOException("writing to memory failed", impossible);
        }
    }

    /** Family by family, in name order; each family's comment lines once, before the first source's samples. */
    private void write(Format format, List<EncodedFamilies> sources, OutputStream out) throws IOException {
        FamilyIndex index = indexes.get(format);
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
