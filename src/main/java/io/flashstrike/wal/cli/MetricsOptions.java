package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.export.MetricsHttpServer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where /metrics is served, and for how long after the work ends; shared by recover, demo and stream. */
final class MetricsOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    String bind = MetricsHttpServer.DEFAULT_BIND;
    int port = MetricsHttpServer.DEFAULT_PORT;

    // Checked while parsing, so a bad value is a usage error (exit 2) before any work starts.
    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = MetricsHttpServer.DEFAULT_BIND,
            description = "Address to serve /metrics on (default: ${DEFAULT-VALUE}: this machine only).")
    void bind(String address) {
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException | SecurityException e) {
            throw new ParameterException(mixee.commandLine(),
                    "Invalid value for option '--metrics-bind': cannot resolve address '" + address + "'");
        }
        bind = address;
    }

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "" + MetricsHttpServer.DEFAULT_PORT,
            description = "Port of /metrics, 1-65535; 0 picks a free one, -1 serves nothing (default: ${DEFAULT-VALUE}).")
    void port(int value) {
        if (value < -1 || value > 65_535) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--metrics-port': " + value
                    + " is not a port (1-65535; 0 picks a free one, -1 serves nothing)");
        }
        port = value;
    }

    HistogramBounds buckets = HistogramBounds.DEFAULT;

    @Option(names = "--histogram-buckets", paramLabel = "SECONDS,...",
            description = "Upper bounds (le) of every latency histogram on /metrics, in seconds, increasing; each is raised"
                    + " to the nearest edge of our buckets (at most 0.79 %%) so counts are exact"
                    + " (default: 1-2-5 per decade, 10 us to 50 s).")
    void buckets(String csv) {
        try {
            buckets = HistogramBounds.parse(csv);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--histogram-buckets': " + e.getMessage());
        }
    }

    @Option(names = "--linger", paramLabel = "SECONDS",
            description = "Keep serving the final values this long after the work ends, for a scraper (default: ${DEFAULT-VALUE}).")
    double linger = 0;

    boolean enabled() {
        return port >= 0;
    }

    /** Sleeps {@link #linger} seconds, saying so; returns early if interrupted (flag restored). */
    void linger(java.io.PrintWriter out, String url) {
        if (linger <= 0 || url == null) {
            return;
        }
        out.printf(java.util.Locale.ROOT, "serving the final values on %s for %.1f s (--linger)%n", url, linger);
        out.flush();
        try {
            Thread.sleep((long) (linger * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
