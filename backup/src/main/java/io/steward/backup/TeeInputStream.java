package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The RDB as the key reader reads it, each byte written on to the scratch file too. A write that fails is kept
 * and stops the reading; it is reported as the scratch directory's failure, not the backup's.
 */
final class TeeInputStream extends InputStream {
    private final InputStream in;
    private final OutputStream out;
    private final Path file;
    private IOException failure;

    TeeInputStream(InputStream in, OutputStream out, Path file) {
        this.in = in;
        this.out = out;
        this.file = file;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        while ((n = read(one, 0, 1)) == 0) {
            // a decompressor may give nothing for a while
        }
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (failure != null) {
            throw failure;
        }
        int n = in.read(bytes, offset, length);
        if (n > 0) {
            try {
                out.write(bytes, offset, n);
            } catch (IOException unwritable) {
                failure = unwritable;
                throw unwritable;
            }
        }
        return n;
    }

    /** Where the bytes go, for messages. */
    Path file() {
        return file;
    }

    /** The write that failed, or null. */
    IOException failure() {
        return failure;
    }
}
