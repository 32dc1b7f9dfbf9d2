package io.flashstrike.wal.recovery.telemetry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTextCollectorTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "plain            | plain",
        "'a\\b'           | 'a\\\\b'",
        "'say \"hi\"'     | 'say \\\"hi\\\"'",
        "'two\nlines'     | 'two\\nlines'",
        "'\\\"\n'         | '\\\\\\\"\\n'",
        "'ünï ✓'          | 'ünï ✓'",
        "''               | ''",
    })
    void labelValuesAreEscapedToTheSpec(String raw, String escaped) {
        assertEquals(escaped, PrometheusTextCollector.escapeLabelValue(raw));
    }

    @Test
    void helpEscapesBackslashAndNewlineButNotQuotes() {
        assertEquals("a \\\\ \"q\" \\n", PrometheusTextCollector.escapeHelp("a \\ \"q\" \n"));
    }

    @Test
    void labelStacksNestAndFamiliesGroup() {
        PrometheusTextCollector c = new PrometheusTextCollector();
        c.pushLabel("subsystem", "a");
        c.counter("x_total", "X things", 1);
        c.pushLabel("kind", "in\"ner");
        c.counter("x_total", "X things", 2);
        c.popLabel();
        c.gauge("g", "A gauge", 0.25);
        c.popLabel();
        c.counter("x_total", "X things", 3);
        c.summary("d_seconds", "Durations", 4, 1.5, new double[] {0.5, 0.99}, new double[] {0.001, 0.002});
        assertEquals("""
                # HELP x_total X things
                # TYPE x_total counter
                x_total{subsystem="a"} 1
                x_total{subsystem="a",kind="in\\"ner"} 2
                x_total 3
                # HELP g A gauge
                # TYPE g gauge
                g{subsystem="a"} 0.25
                # HELP d_seconds Durations
                # TYPE d_seconds summary
                d_seconds{quantile="0.5"} 0.001
                d_seconds{quantile="0.99"} 0.002
                d_seconds_sum 1.5
                d_seconds_count 4
                """, c.text());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        PrometheusTextCollector c = new PrometheusTextCollector();
        assertThrows(IllegalArgumentException.class, () -> c.pushLabel("bad-name", "v"));
        assertThrows(IllegalArgumentException.class, () -> c.pushLabel("__reserved", "v"));
        assertThrows(IllegalArgumentException.class, () -> c.pushLabel("ok", null));
        assertThrows(IllegalStateException.class, c::popLabel);
        assertThrows(IllegalArgumentException.class, () -> c.counter("no_suffix", "h", 1));
        assertThrows(IllegalArgumentException.class, () -> c.gauge("1starts_with_digit", "h", 1));
        c.pushLabel("a", "1");
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> c.pushLabel("a", "2"));
        assertTrue(dup.getMessage().contains("already pushed"), dup.getMessage());
        c.gauge("g", "h", 1);
        assertThrows(IllegalArgumentException.class, () -> c.gauge("g", "h", 2));
        assertThrows(IllegalArgumentException.class, () -> c.summary("g", "h", 0, 0, new double[0], new double[0]));
        assertThrows(IllegalStateException.class, c::text, "an unpopped label is a bug");
        c.popLabel();
        assertTrue(c.text().contains("g{a=\"1\"} 1\n"));
    }

    @Test
    void specialValuesUseTheFormatsSpelling() {
        assertEquals("+Inf", PrometheusTextCollector.formatValue(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusTextCollector.formatValue(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", PrometheusTextCollector.formatValue(Double.NaN));
        assertEquals("42", PrometheusTextCollector.formatValue(42));
        assertEquals("1.0E-9", PrometheusTextCollector.formatValue(1e-9));
    }
}
