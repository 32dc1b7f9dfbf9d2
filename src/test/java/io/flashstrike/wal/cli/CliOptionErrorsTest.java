package io.flashstrike.wal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.flashstrike.wal.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad serving options: a usage error or one line that names the problem, before any recovery work. */
class CliOptionErrorsTest {
    @Test
    void aPortOutOfRangeIsAUsageErrorNamingTheRange(@TempDir Path tmp) {
        for (String port : new String[] {"70000", "65536", "-2"}) {
            CliTest.Run r = run("recover", "--dir", tmp.toString(), "--metrics-port", port);
            assertEquals(ExitCodes.USAGE, r.exit(), port + ": " + r.err());
            assertTrue(r.err().contains("'--metrics-port': " + port + " is not a port (1-65535; 0 picks a free one, -1 serves nothing)"),
                    r.err());
            assertFalse(r.out().contains("Recovery summary"), "no recovery ran: " + r.out());
        }
        // The edges are accepted: -1 serves nothing and the recovery of an empty directory (allowed) runs.
        CliTest.Run none = run("recover", "--dir", tmp.toString(), "--metrics-port", "-1", "--no-jfr", "--dump-interval", "0",
                "--allow-empty");
        assertTrue(none.out().contains("Recovery summary"), none.out() + none.err());
    }

    @Test
    void lingerWithoutMetricsOrBelowZeroIsAUsageErrorBeforeAnyWork(@TempDir Path tmp) {
        CliTest.Run off = run("recover", "--dir", tmp.toString(), "--metrics-port", "-1", "--linger", "5", "--no-jfr");
        assertEquals(ExitCodes.USAGE, off.exit(), off.err());
        assertTrue(off.err().contains("--linger 5.0 keeps /metrics serving, but /metrics is off (--metrics-port -1)"), off.err());
        assertFalse(off.out().contains("Recovery summary"), "no recovery ran: " + off.out());
        CliTest.Run negative = run("stream", "--repository", tmp.toString(), "--linger", "-1");
        assertEquals(ExitCodes.USAGE, negative.exit(), negative.err());
        assertTrue(negative.err().contains("Invalid value for option '--linger': -1.0 (seconds, 0 or more)"), negative.err());
        // 0, the default, is fine with /metrics off
        CliTest.Run none = run("recover", "--dir", tmp.toString(), "--metrics-port", "-1", "--linger", "0", "--no-jfr",
                "--dump-interval", "0", "--allow-empty");
        assertEquals(0, none.exit(), none.err());
    }

    @Test
    void aNativeSchemaOutsidePrometheusRangeIsAUsageErrorNamingIt(@TempDir Path tmp) {
        CliTest.Run r = run("recover", "--dir", tmp.toString(), "--native-histograms", "9", "--no-jfr");
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("Invalid value for option '--native-histograms': native histogram schema 9 is not one of"
                + " Prometheus' (-4 to 8)"), r.err());
        CliTest.Run alone = run("recover", "--dir", tmp.toString(), "--native-histograms", "--no-jfr", "--metrics-port", "-1",
                "--dump-interval", "0", "--allow-empty");
        assertEquals(0, alone.exit(), "alone it means schema 3: " + alone.err());
    }

    @Test
    void anUnresolvableBindAddressIsAUsageErrorNamingIt(@TempDir Path tmp) {
        CliTest.Run r = run("recover", "--dir", tmp.toString(), "--metrics-bind", "999.1.1.1");
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("'--metrics-bind': cannot resolve address '999.1.1.1'"), r.err());
        CliTest.Run s = run("stream", "--repository", tmp.toString(), "--metrics-bind", "999.1.1.1");
        assertEquals(ExitCodes.USAGE, s.exit(), s.err());
    }

    @Test
    void aJmxPortWithNothingListeningIsOneLineNamingTheAddress() {
        int port = 1; // tcpmux: a privileged port nothing on this machine serves, as in the report
        CliTest.Run r = run("stream", "--jmx", "127.0.0.1:" + port, "--metrics-port", "-1");
        assertEquals(ExitCodes.FAILURE, r.exit(), r.err());
        assertEquals("flashstrike-wal: cannot connect to JMX at 127.0.0.1:" + port + ": connection refused",
                r.err().strip(), r.err());
    }

    @Test
    void theDefaultsStillServeOnLoopback(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("wal"));
        CliTest.Run r = run("recover", "--dir", tmp.resolve("wal").toString(), "--metrics-port", "0", "--no-jfr",
                "--dump-interval", "0", "--allow-empty");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("http://127.0.0.1:"), r.out());
    }

    @Test
    void badHistogramBucketsAreAUsageErrorNamingTheValue(@TempDir Path tmp) {
        CliTest.Run r = run("recover", "--dir", tmp.toString(), "--histogram-buckets", "0.001,abc");
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("'--histogram-buckets': histogram bound 'abc' is not a number of seconds"), r.err());
        CliTest.Run down = run("stream", "--repository", tmp.toString(), "--histogram-buckets", "0.1,0.01");
        assertEquals(ExitCodes.USAGE, down.exit(), down.err());
        assertTrue(down.err().contains("must increase"), down.err());
    }
}
