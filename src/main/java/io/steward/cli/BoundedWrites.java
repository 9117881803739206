package io.steward.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered response body that hands the server no write larger than its buffer. The JDK's HTTP server gives each
 * connection a write buffer that grows to twice the largest write it was handed and keeps it as long as the
 * connection lives; a Prometheus server keeps its connection open between scrapes, so an exposition written whole
 * would stay in the heap once per scraper, at its full size.
 */
final class BoundedWrites extends BufferedOutputStream {

    BoundedWrites(OutputStream out, int size) {
        super(out, size);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        // A piece shorter than the buffer is always copied into it (the buffer is flushed first if it is too full).
        int piece = buf.length - 1;
        for (int done = 0; done < length; done += piece) {
            super.write(bytes, offset + done, Math.min(piece, length - done));
        }
    }
}
