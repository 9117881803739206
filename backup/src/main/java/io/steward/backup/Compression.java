package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** How the RDB is stored: zstd (the default; RDB files shrink several times) or as it is. */
public enum Compression {
    ZSTD("zstd", ".zst"),
    NONE("none", "");

    private final String label;
    private final String suffix;

    Compression(String label, String suffix) {
        this.label = label;
        this.suffix = suffix;
    }

    public String label() {
        return label;
    }

    /** The stored object's name: {@code dump.rdb.zst} or {@code dump.rdb}. */
    public String objectName() {
        return objectName("dump");
    }

    /** The stored name of an RDB called {@code stem}: {@code shard-0.rdb.zst}, say. */
    public String objectName(String stem) {
        return stem + ".rdb" + suffix;
    }

    /** Parses {@code zstd} or {@code none}; null for anything else. */
    public static Compression parse(String text) {
        for (Compression compression : values()) {
            if (compression.label.equals(text.strip().toLowerCase(Locale.ROOT))) {
                return compression;
            }
        }
        return null;
    }

    /** Compresses into {@code out}; closing the result finishes the stream but leaves {@code out} open. */
    OutputStream compress(OutputStream out) throws IOException {
        OutputStream shielded = new OpenOutputStream(out);
        return this == NONE ? shielded : ZstdStreams.compress(shielded);
    }

    InputStream decompress(InputStream in) throws IOException {
        return this == NONE ? in : ZstdStreams.decompress(in);
    }
}
