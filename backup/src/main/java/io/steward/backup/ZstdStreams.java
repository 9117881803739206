package io.steward.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * zstd's streams, apart from {@link Compression}: the configuration names a compression whether or not anything
 * is backed up, and keeping zstd-jni's classes out of {@code Compression} leaves them (and their native library)
 * unloaded until a backup is written or read.
 */
final class ZstdStreams {

    /** zstd's default level: several hundred MB/s per core, a good ratio on RDB files. */
    private static final int LEVEL = 3;

    private ZstdStreams() {}

    static OutputStream compress(OutputStream out) throws IOException {
        ZstdOutputStream zstd = new ZstdOutputStream(out, LEVEL);
        // One worker thread compresses while the caller reads and checksums the next chunk.
        zstd.setWorkers(1);
        return zstd;
    }

    static InputStream decompress(InputStream in) throws IOException {
        return new ZstdInputStream(in);
    }
}
