package io.steward.backup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes through to a stream that its caller still owns: closing this one only flushes, so a compressor or an
 * encrypter can finish its own frame on close and leave the stream beneath open for what comes next.
 */
final class OpenOutputStream extends FilterOutputStream {

    OpenOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
