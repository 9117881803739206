package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.backup.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {

    @Test
    void drawsOneLineThatItRedrawsAndClearsAtTheEnd() {
        StringWriter screen = new StringWriter();
        TerminalProgress progress = new TerminalProgress(new PrintWriter(screen));
        progress.update(Progress.Phase.UPLOADING, 3 << 20, 12 << 20);
        assertThat(screen.toString()).isEqualTo("\ruploading 3.0 MiB of 12.0 MiB (25%)\033[K");
        progress.finished();
        assertThat(screen.toString()).endsWith("\r\033[K");
    }

    @Test
    void countsTheSaveInKeys() {
        StringWriter screen = new StringWriter();
        new TerminalProgress(new PrintWriter(screen)).update(Progress.Phase.SAVING, 500, 2000);
        assertThat(screen.toString()).contains("saving 500 keys of 2000 keys (25%)");
    }

    @Test
    void countsALiveRestoreInKeysLoaded() {
        StringWriter screen = new StringWriter();
        new TerminalProgress(new PrintWriter(screen)).update(Progress.Phase.LOADING, 750, 1000);
        assertThat(screen.toString()).contains("loading 750 keys of 1000 keys (75%)");
    }

    @Test
    void staysQuietWhenTheOutputIsNotATerminal() {
        // Tests run without a console, as a piped or cron-run command does.
        assertThat(TerminalProgress.on(new PrintWriter(new StringWriter()))).isSameAs(Progress.NONE);
    }
}
