package io.steward.cli;

import io.steward.backup.Progress;
import java.io.PrintWriter;

/** A progress line on stderr, redrawn at most four times a second; nothing at all when output is not a terminal. */
final class TerminalProgress implements Progress {

    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private long lastDraw;
    private boolean drawn;

    TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    static Progress on(PrintWriter err) {
        return System.console() != null ? new TerminalProgress(err) : Progress.NONE;
    }

    @Override
    public synchronized void update(Phase phase, long done, long total) {
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        String line = phase.label() + " " + amount(phase, done)
                + (total > 0 ? " of " + amount(phase, total) + " (" + done * 100 / total + "%)" : "");
        err.print("\r" + line + "\033[K");
        err.flush();
    }

    private static String amount(Phase phase, long count) {
        return phase.unit().equals("bytes") ? Sizes.human(count) : count + " " + phase.unit();
    }

    @Override
    public synchronized void finished() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }
}
