package io.flashstrike.wal.segment;

import java.util.Locale;

/**
 * Parses byte sizes for command lines and configuration: a plain number of bytes ({@code 4096})
 * or a whole number with a binary unit, {@code KiB}, {@code MiB} or {@code GiB} (case-insensitive,
 * optionally separated by blanks: {@code 64MiB}, {@code 64 mib}). Decimal units ({@code KB},
 * {@code MB}), bare letters ({@code 64M}), fractions and signs are rejected rather than guessed:
 * a segment size off by 5 % (MB vs MiB) would silently produce files nobody expects.
 */
public final class SizeParser {
    private static final String FORMS = "expected a whole number of bytes, optionally followed by KiB, MiB or GiB"
            + " (e.g. 4096, 64KiB, 64MiB, 1GiB)";

    private SizeParser() {
    }

    /**
     * @return the size in bytes
     * @throws IllegalArgumentException quoting the text and the accepted forms, if it is not a size
     *                                  or does not fit in a {@code long}
     */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("size is missing: " + FORMS);
        }
        String s = text.strip();
        int digits = 0;
        while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            throw invalid(text);
        }
        String unit = s.substring(digits).stripLeading().toLowerCase(Locale.ROOT);
        long multiplier;
        switch (unit) {
            case "":
                multiplier = 1;
                break;
            case "kib":
                multiplier = 1L << 10;
                break;
            case "mib":
                multiplier = 1L << 20;
                break;
            case "gib":
                multiplier = 1L << 30;
                break;
            default:
                throw invalid(text);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s.substring(0, digits)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large (at most "
                    + Long.MAX_VALUE + " bytes)", e);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid size '" + text + "': " + FORMS);
    }

    /** @return a byte count in binary units, as {@link #parse} reads them back roughly: {@code 32.0 MiB} */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1023.95 && u < units.length - 1) { // 1,048,575 B is "1.0 MiB", not "1024.0 KiB"
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
