package io.flashstrike.wal.report;

import java.util.Locale;

/** Number formatting shared by the report's outputs (always {@link Locale#ROOT}: a dot for decimals). */
final class Units {
    private Units() {
    }

    /** @return nanoseconds as milliseconds with 3 decimals, e.g. {@code 5.481} */
    static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** @return a duration with a unit that keeps 3-4 significant digits: {@code 812 ns}, {@code 5.48 ms}, {@code 1.23 s} */
    static String duration(double nanos) {
        if (nanos < 1_000) {
            return String.format(Locale.ROOT, "%.0f ns", nanos);
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** @return a power of ten of nanoseconds as a short axis label: {@code 1 µs}, {@code 100 ms}, {@code 10 s} */
    static String decade(long nanos) {
        if (nanos >= 1_000_000_000L) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos >= 1_000_000L) {
            return nanos / 1_000_000L + " ms";
        }
        return nanos >= 1_000L ? nanos / 1_000L + " µs" : nanos + " ns";
    }

    /** @return a byte count in binary units, e.g. {@code 32.0 MiB} */
    static String bytes(long bytes) {
        return io.flashstrike.wal.segment.SizeParser.format(bytes);
    }

    /** @return {@code 12.3} */
    static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** @return the percentile's label: {@code p50}, {@code p99.9} */
    static String percentileLabel(double p) {
        return p == Math.rint(p) ? "p" + (long) p : "p" + p;
    }
}
