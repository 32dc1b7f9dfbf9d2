package io.flashstrike.wal.recovery.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** The dump frame shared by every telemetry block: {@code [label Metrics] Snapshot:}, rules, one line a figure. */
final class DumpFrame {
    /** 65 dashes: the frame dashboards and log parsers of the C++ engine's dump already match. */
    static final String RULE = "-----------------------------------------------------------------";

    private final Appendable out;
    private final int width;

    private DumpFrame(Appendable out, int width) {
        this.out = out;
        this.width = width;
    }

    /** Opens a frame: {@code [label Metrics] Snapshot:} and the rule; line labels padded to {@code width}. */
    static DumpFrame open(String label, Appendable out, int width) {
        DumpFrame f = new DumpFrame(out, width);
        f.raw("[" + label + " Metrics] Snapshot:\n" + RULE + "\n");
        return f;
    }

    /** {@code  Label: X ms | count N | failures F | mean M ms | p99 P ms | max Z ms}, X the total. */
    DumpFrame operation(String label, Operation64.Snapshot s) {
        return raw(prefix(label) + String.format(Locale.ROOT,
                "%.3f ms | count %d | failures %d | mean %.3f ms | p99 %.3f ms | max %.3f ms%s",
                s.totalNanos() / 1e6, s.count(), s.failures(), s.meanNanos() / 1e6,
                s.percentileNanos(99) / 1e6, s.maxNanos() / 1e6, "\n"));
    }

    /** {@code  Label: value}. */
    DumpFrame value(String label, Object value) {
        return raw(prefix(label) + value + "\n");
    }

    private String prefix(String label) {
        StringBuilder b = new StringBuilder(width + 3).append(' ').append(label);
        while (b.length() < width + 1) {
            b.append(' ');
        }
        return b.append(": ").toString();
    }

    void close() {
        raw(RULE + "\n");
    }

    private DumpFrame raw(String s) {
        try {
            out.append(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
