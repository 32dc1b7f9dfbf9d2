package io.flashstrike.wal.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads figures back from the CLI's dump frames ({@code " Preload segment: X ms | count N | ..."}). */
public final class Dumps {
    private Dumps() {
    }

    /** @return the count of {@code label} (e.g. {@code "Read segment    "}) in the last frame of {@code out} */
    public static long lastCount(String out, String label) {
        Matcher m = Pattern.compile(" " + Pattern.quote(label) + ": [0-9.]+ ms \\| count (\\d+)").matcher(out);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        assertTrue(last >= 0, label + " not in:\n" + out);
        return last;
    }
}
