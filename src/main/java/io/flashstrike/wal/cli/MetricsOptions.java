package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.HistogramBounds;
import io.flashstrike.wal.recovery.telemetry.MetricsCollector;
import io.flashstrike.wal.recovery.telemetry.NativeBuckets;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.export.WebConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.function.Consumer;

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
        InetAddress resolved;
        try {
            resolved = InetAddress.getByName(address);
        } catch (UnknownHostException | SecurityException e) {
            throw new ParameterException(mixee.commandLine(),
                    "Invalid value for option '--metrics-bind': cannot resolve address '" + address + "'");
        }
        if (!isOwn(resolved)) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--metrics-bind': " + address
                    + (address.equals(resolved.getHostAddress()) ? "" : " (" + resolved.getHostAddress() + ")")
                    + " is not an address of this machine: use one of its interfaces' addresses, 127.0.0.1 or 0.0.0.0");
        }
        bind = address;
    }

    /** @return whether a socket can bind {@code a} here: a wildcard, a loopback or an interface's address */
    private static boolean isOwn(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress()) {
            return true;
        }
        try {
            return java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.SocketException e) {
            return true; // cannot tell: let the bind itself say
        }
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

    private NativeBuckets nativeBuckets;

    @Option(names = "--native-histograms", paramLabel = "SCHEMA", arity = "0..1", fallbackValue = "3",
            description = "Also expose every latency histogram as a Prometheus native histogram (protobuf scrapes only;"
                    + " Prometheus >= 2.40 with --enable-feature=native-histograms), at SCHEMA -4..8"
                    + " (alone: 3, buckets 9 %% apart); each duration is counted at most 0.79 %% above its value."
                    + " The classic buckets stay.")
    void nativeHistograms(int schema) {
        try {
            nativeBuckets = NativeBuckets.ofSchema(schema);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--native-histograms': " + e.getMessage());
        }
    }

    /** The histogram layout every exposition of this command uses: classic bounds, native buckets if asked. */
    HistogramBounds bounds() {
        return buckets.withNative(nativeBuckets);
    }

    WebConfig web = WebConfig.NONE;

    // Read and checked here, certificates and hashes included, so a bad file fails before any work.
    @Option(names = "--web-config-file", paramLabel = "FILE",
            description = "TLS and basic auth for /metrics, in the web configuration format of Prometheus exporters"
                    + " (tls_server_config, basic_auth_users with bcrypt hashes); see README \"Off loopback\".")
    void webConfig(Path file) {
        try {
            web = WebConfig.load(file);
        } catch (WebConfig.Invalid e) {
            throw new InvalidWebConfig(mixee.commandLine(), e);
        }
    }

    /** A bad --web-config-file: one line (FlashstrikeWal prints no usage help for it), exit 2. */
    static final class InvalidWebConfig extends OptionFileException {
        private static final long serialVersionUID = 1L;

        InvalidWebConfig(picocli.CommandLine cl, WebConfig.Invalid cause) {
            super(cl, "--web-config-file " + cause.getMessage(), cause);
        }
    }

    /**
     * Starts /metrics as these options say, and prints its URL to {@code out}; warns on the
     * command's error stream, once, when it is readable beyond this machine.
     */
    MetricsHttpServer start(Consumer<MetricsCollector> exposure, PrintWriter out) throws IOException {
        MetricsHttpServer server = MetricsHttpServer.start(bind, port, bounds(), web, exposure);
        web.exposureWarning(bind).ifPresent(w -> {
            PrintWriter err = mixee.commandLine().getErr();
            err.println(w);
            err.flush();
        });
        out.println("metrics: " + server.url());
        out.flush();
        return server;
    }

    @Option(names = "--linger", paramLabel = "SECONDS",
            description = "Keep serving the final values this long after the work ends, for a scraper (default: ${DEFAULT-VALUE}).")
    double linger = 0;

    boolean enabled() {
        return port >= 0;
    }

    /**
     * Checks what single options cannot: {@code --linger} needs /metrics. Called before any work;
     * a usage error (exit 2), since a linger that serves nothing would only delay the exit.
     */
    void check() {
        if (linger < 0 || Double.isNaN(linger)) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--linger': " + linger
                    + " (seconds, 0 or more)");
        }
        if (linger > 0 && !enabled()) {
            throw new ParameterException(mixee.commandLine(), "--linger " + linger
                    + " keeps /metrics serving, but /metrics is off (--metrics-port -1)");
        }
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
