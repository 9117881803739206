package io.steward.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** How the RDB is stored: zstd (the default; RDB files shrink several times) or as it is. */
public enum Compression {
    ZSTD("zstd", ".zst"),
    NONE("none", "");

    /** zstd's default level: several hundred MB/s per core, a good ratio on RDB files. */
    private static final int ZSTD_LEVEL = 3;

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
        OutputStream shielded = new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        if (this == NONE) {
            return shielded;
        }
        ZstdOutputStream zstd = new ZstdOutputStream(shielded, ZSTD_LEVEL);
        // One worker thread compresses while the caller reads and checksums the next chunk.
        zstd.setWorkers(1);
        return zstd;
    }

    InputStream decompress(InputStream in) throws IOException {
        return this == NONE ? in : new ZstdInputStream(in);
    }
}
