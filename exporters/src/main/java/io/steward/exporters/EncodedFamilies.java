package io.steward.exporters;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The series of one source (one target's poll, or the groups) as the exposition library encodes them, cut at
 * family boundaries, so that an exposition of many sources can be joined family by family without encoding again.
 * Each family is its comment lines ({@code # HELP}, {@code # TYPE}, ...) and its sample lines; the trailing
 * {@code # EOF} of OpenMetrics is left out, as the whole exposition has one.
 */
final class EncodedFamilies {

    private static final int[] NONE = new int[0];

    private final byte[] bytes;
    /** By family id: the family's place in the arrays below, or -1 when this source has no such family. */
    private final int[] slotById;

    private final int[] headerStart;
    private final int[] sampleStart;
    private final int[] end;

    private EncodedFamilies(byte[] bytes, int[] slotById, int[] headerStart, int[] sampleStart, int[] end) {
        this.bytes = bytes;
        this.slotById = slotById;
        this.headerStart = headerStart;
        this.sampleStart = sampleStart;
        this.end = end;
    }

    static EncodedFamilies encode(MetricSnapshots families, ExpositionFormatWriter writer, FamilyIndex index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, families);
        } catch (IOException impossible) {
            throw new UncheckedIOException("writing to memory failed", impossible);
        }
        return cut(out.toByteArray(), index);
    }

    /** Cuts the library's output where a comment line follows a sample line: there the next family begins. */
    static EncodedFamilies cut(byte[] bytes, FamilyIndex index) {
        int count = 0;
        int[] ids = new int[64];
        int[] headers = new int[64];
        int[] samples = new int[64];
        int[] ends = new int[64];
        boolean inSamples = true;
        int line = 0;
        while (line < bytes.length) {
            int next = nextLine(bytes, line);
            boolean comment = bytes[line] == '#';
            if (comment && isEof(bytes, line, next)) {
                break;
            }
            if (comment && inSamples) {
                if (count > 0) {
                    ends[count - 1] = line;
                }
                if (count == ids.length) {
                    ids = Arrays.copyOf(ids, count * 2);
                    headers = Arrays.copyOf(headers, count * 2);
                    samples = Arrays.copyOf(samples, count * 2);
                    ends = Arrays.copyOf(ends, count * 2);
                }
                headers[count] = line;
                samples[count] = next;
                ids[count] = -1;
                count++;
                inSamples = false;
            }
            if (comment && isType(bytes, line)) {
                ids[count - 1] = index.idOf(typeName(bytes, line, next));
            }
            if (comment) {
                samples[count - 1] = next;
            } else {
                inSamples = true;
            }
            line = next;
        }
        if (count > 0) {
            ends[count - 1] = line;
        }
        int[] slotById = NONE;
        for (int slot = 0; slot < count; slot++) {
            if (ids[slot] < 0) {
                throw new IllegalStateException("a family without a TYPE line in the exposition");
            }
            if (ids[slot] >= slotById.length) {
                int from = slotById.length;
                slotById = Arrays.copyOf(slotById, Math.max(ids[slot] + 1, from * 2));
                Arrays.fill(slotById, from, slotById.length, -1);
            }
            slotById[ids[slot]] = slot;
        }
        return new EncodedFamilies(
                bytes,
                slotById,
                Arrays.copyOf(headers, count),
                Arrays.copyOf(samples, count),
                Arrays.copyOf(ends, count));
    }

    boolean has(int familyId) {
        return familyId < slotById.length && slotById[familyId] >= 0;
    }

    void writeHeader(int familyId, OutputStream out) throws IOException {
        int slot = slotById[familyId];
        out.write(bytes, headerStart[slot], sampleStart[slot] - headerStart[slot]);
    }

    void writeSamples(int familyId, OutputStream out) throws IOException {
        int slot = slotById[familyId];
        out.write(bytes, sampleStart[slot], end[slot] - sampleStart[slot]);
    }

    private static int nextLine(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return bytes.length;
    }

    private static boolean isEof(byte[] bytes, int line, int next) {
        return startsWith(bytes, line, "# EOF") && next - line <= "# EOF\n".length();
    }

    private static boolean isType(byte[] bytes, int line) {
        return startsWith(bytes, line, "# TYPE ");
    }

    /** {@code # TYPE <name> <type>}: the name as written, which tells apart the families of one exposition. */
    private static String typeName(byte[] bytes, int line, int next) {
        int from = line + "# TYPE ".length();
        int to = from;
        while (to < next && bytes[to] != ' ' && bytes[to] != '\n') {
            to++;
        }
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] bytes, int at, String prefix) {
        if (at + prefix.length() > bytes.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
