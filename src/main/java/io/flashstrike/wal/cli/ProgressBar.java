package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.SizeParser;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line for long work: redrawn in place on a terminal, one line a second otherwise
 * (so logs and CI output stay short), and the last line when done. Rate in MB/s (10^6 bytes per second).
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String what;
    private final long total;
    private final boolean terminal;
    private final long startNs = System.nanoTime();
    private long lastDrawNs = startNs;
    private boolean finalDrawn;

    ProgressBar(PrintWriter out, String what, long total, boolean terminal) {
        this.out = out;
        this.what = what;
        this.total = Math.max(1, total);
        this.terminal = terminal;
    }

    /** Shows {@code done} of the total; cheap to call often (redraws at most 10 times a second). */
    void update(long done) {
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDrawNs >= 100_000_000L || done >= total) {
                lastDrawNs = now;
                out.print("\r" + line(done, now));
                out.flush();
            }
        } else if (now - lastDrawNs >= 1_000_000_000L && !finalDrawn) {
            lastDrawNs = now;
            finalDrawn = done >= total;
            out.println(line(done, now));
            out.flush();
        }
    }

    /** Ends the line. */
    void finish(long done) {
        if (terminal) {
            out.print("\r" + line(done, System.nanoTime()) + "\n");
        } else if (!finalDrawn) {
            out.println(line(done, System.nanoTime()));
        }
        out.flush();
    }

    private String line(long done, long now) {
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        double seconds = Math.max(1e-9, (now - startNs) / 1e9);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%% %s / %s  %.0f MB/s", what,
                "#".repeat(filled), ".".repeat(WIDTH - filled), done * 100 / total,
                SizeParser.format(done), SizeParser.format(total), done / 1e6 / seconds);
    }
}
