package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.export.MetricsHttpServer;
import picocli.CommandLine.Option;

/** Where /metrics is served, and for how long after the work ends; shared by recover, demo and stream. */
final class MetricsOptions {
    @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
            description = "Address to serve /metrics on (default: ${DEFAULT-VALUE}: this machine only).")
    String bind = MetricsHttpServer.DEFAULT_BIND;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Port of /metrics; 0 picks a free one, -1 serves nothing (default: ${DEFAULT-VALUE}).")
    int port = MetricsHttpServer.DEFAULT_PORT;

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
