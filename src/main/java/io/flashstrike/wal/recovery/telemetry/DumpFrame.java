package io.flashstrike.wal.recovery.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** The dump frame shared by every telemetry block: {@code [label Metrics] Snapshot:}, rules, one line a figure. */
final class DumpFrame {
    /** 65 dashes: the frame dashboards and log parsers of the C++ engine's dump already match. */
    static final String RULE = "-----------------------------------------------------------------";

    private final Appendable out;

    private DumpFrame(Appendable out) {
        this.out = out;
    }

    /** Opens a frame: {@code [label Metrics] Snapshot:} and the rule. */
    static DumpFrame open(String label, Appendable out) {
        DumpFrame f = new DumpFrame(out);
        f.raw("[" + label + " Metrics] Snapshot:\n" + RULE + "\n");
        return f;
    }

    /** {@code prefix X ms | count N | failures F | mean M ms | p99 P ms | max Z ms}, X the total. */
    DumpFrame operation(String prefix, Operation64.Snapshot s) {
        return raw(prefix + String.format(Locale.ROOT,
                "%.3f ms | count %d | failures %d | mean %.3f ms | p99 %.3f ms | max %.3f ms%s",
                s.totalNanos() / 1e6, s.count(), s.failures(), s.meanNanos() / 1e6,
                s.percentileNanos(99) / 1e6, s.maxNanos() / 1e6, "\n"));
    }

    /** {@code prefix value}. */
    DumpFrame value(String prefix, Object value) {
        return raw(prefix + value + "\n");
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
