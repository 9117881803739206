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
 * Only the sample lines are kept here: a family's comment lines ({@code # HELP}, {@code # TYPE}, ...) are the same
 * for every source and are kept once, by the {@link FamilyIndex}. The trailing {@code # EOF} of OpenMetrics is left
 * out, as the whole exposition has one.
 */
final class EncodedFamilies {

    private static final int[] NONE = new int[0];

    private final byte[] samples;
    /** By family id: where the family's samples start in {@link #samples}. */
    private final int[] startById;
    /** By family id: where they end, or -1 when this source has no such family. */
    private final int[] endById;

    private EncodedFamilies(byte[] samples, int[] startById, int[] endById) {
        this.samples = samples;
        this.startById = startById;
        this.endById = endById;
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
        ByteArrayOutputStream kept = new ByteArrayOutputStream(bytes.length / 2);
        int[] startById = NONE;
        int[] endById = NONE;
        for (int slot = 0; slot < count; slot++) {
            if (ids[slot] < 0) {
                throw new IllegalStateException("a family without a TYPE line in the exposition");
            }
            int id = ids[slot];
            index.keepHeader(id, bytes, headers[slot], samples[slot]);
            if (id >= endById.length) {
                int from = endById.length;
                startById = Arrays.copyOf(startById, Math.max(id + 1, from * 2));
                endById = Arrays.copyOf(endById, startById.length);
                Arrays.fill(endById, from, endById.length, -1);
            }
            startById[id] = kept.size();
            kept.write(bytes, samples[slot], ends[slot] - samples[slot]);
            endById[id] = kept.size();
        }
        return new EncodedFamilies(kept.toByteArray(), startById, endById);
    }

    boolean has(int familyId) {
        return familyId < endById.length && endById[familyId] >= 0;
    }

    int samplesLength(int familyId) {
        return endById[familyId] - startById[familyId];
    }

    void writeSamples(int familyId, OutputStream out) throws IOException {
        out.write(samples, startById[familyId], endById[familyId] - startById[familyId]);
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
