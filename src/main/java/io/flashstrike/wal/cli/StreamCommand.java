package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.stream.Repositories;
import io.flashstrike.wal.stream.WalEventStream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code stream}: the sidecar. Follows a production JVM started only with JFR flags — through its
 * disk repository or over JMX — folds its {@code flashstrike.wal.*} events and serves them on
 * /metrics, with periodic dumps. On a parent repository or JMX it lives as long as its service:
 * when the followed JVM ends it waits for the next one (see {@link Succession} for what /metrics
 * shows meanwhile); on one JVM's own directory, with {@code --pid} or {@code --once}, it ends with it.
 */
@Command(name = "stream", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = {"Follow another JVM's flashstrike.wal events and serve them on /metrics (a sidecar).",
                "On a parent repository (or --jmx) it keeps running when that JVM ends and follows the next one;"
                        + " the last values stay on /metrics, with stream_closed 1, until the next JVM's first batch,"
                        + " then the counters restart from 0 (stream_producer_start_time_seconds changes).",
                // One flag a line: wrapped, picocli would break them at '.' or ':' and they could not be pasted.
                "Start the JVM to follow with, for --repository:",
                "  -XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc",
                "  -XX:FlightRecorderOptions:repository=/var/tmp/jfr",
                "or, for --jmx, with JMX on loopback:",
                "  -Dcom.sun.management.jmxremote.port=9010",
                "  -Dcom.sun.management.jmxremote.host=127.0.0.1 ..."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:--once, --pid or a per-process DIR: the followed JVM ended; or --duration elapsed",
                "1:the sidecar's own failure (repository missing or unreadable, port in use, JMX refused at start)",
                "2:usage error"})
final class StreamCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    static final class Source {
        @Option(names = "--repository", paramLabel = "DIR",
                description = {"The JFR repository given to -XX:FlightRecorderOptions:repository= (follows its newest",
                        "live JVM, then the next), or one JVM's per-process directory under it (ends with that JVM)"})
        Path repository;

        @Option(names = "--jmx", paramLabel = "HOST:PORT", description = {"A JVM's JMX port, followed with",
                "jdk.management.jfr.RemoteRecordingStream; reconnects (backing off to 30 s) when it goes, unless --once"})
        String jmx;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--pid", paramLabel = "PID", description = "With --repository: follow only this JVM, and end with it (default: the newest live"
            + " one, then the next);"
            + " waits up to 30 s for a live JVM's repository to appear.")
    long pid = -1;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "With a parent --repository: follow the JVM whose pid"
            + " this file holds (re-read for each next JVM, as a service manager rewrites it) instead of the newest live one.")
    Path pidFile;

    @Option(names = "--once", description = "End (exit 0) when the followed JVM ends, instead of waiting for the next one.")
    boolean once;

    @Option(names = "--dump-interval", paramLabel = "SECONDS",
            description = "Print the dump of the followed metrics every SECONDS; 0 for none (default: ${DEFAULT-VALUE}).")
    double dumpInterval = 5;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long; 0 for no limit (default: ${DEFAULT-VALUE}).")
    double duration = 0;

    @Mixin
    MetricsOptions serve;

    private long started;
    /** Whether the sidecar goes on to the next JVM when the followed one ends. */
    private boolean successors;

    @Override
    public Integer call() throws Exception {
        seconds("--duration", duration);
        seconds("--dump-interval", dumpInterval);
        if (pid != -1 && pid < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--pid': " + pid
                    + " (a process id, 1 or more)");
        }
        if (pidFile != null && (source.jmx != null || pid != -1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pid-file designates a JVM in a parent --repository:"
                    + " it cannot go with " + (source.jmx != null ? "--jmx" : "--pid"));
        }
        serve.check();
        if (source.repository != null && !Files.isDirectory(source.repository)) {
            throw new NoSuchFileException(source.repository.toString(), null, "no such JFR repository directory");
        }
        started = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        Producers producers = new Producers(source.repository, source.jmx, pid, pidFile);
        successors = !once && producers.canHaveSuccessor();
        Succession served = new Succession();
        MetricsHttpServer server = null;
        try {
            if (serve.enabled()) {
                server = serve.start(c -> served.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c), out);
            }
            boolean first = true;
            while (true) {
                Optional<Producers.Followed> next = await(producers, first, out);
                if (next.isEmpty()) {
                    out.println("--duration elapsed while waiting for a JVM to follow");
                    break;
                }
                first = false;
                served.follow(next.get().stream());
                followToEnd(next.get(), out);
                if (!successors || elapsed()) {
                    break;
                }
                out.println("waiting for the next JVM to follow in " + watched());
                out.flush();
            }
            out.flush();
            serve.linger(out, server == null ? null : server.url());
        } finally {
            if (server != null) {
                server.close();
            }
        }
        return ExitCodes.OK;
    }

    /** @return the next JVM to follow, once there is one; empty when --duration elapsed first */
    private Optional<Producers.Followed> await(Producers producers, boolean first, PrintWriter out) throws Exception {
        boolean said = false;
        while (!elapsed()) {
            Optional<Producers.Followed> next = producers.next(first);
            if (next.isPresent()) {
                return next;
            }
            if (!said && first) {
                out.println("no JVM to follow yet in " + watched() + ": waiting");
                out.flush();
                said = true;
            }
            long delay = producers.retryDelay().toNanos();
            // A JMX back-off of up to 30 s must not outlast --duration.
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(duration > 0
                    ? Math.min(delay, seconds(duration) - (System.nanoTime() - started)) : delay)));
        }
        return Optional.empty();
    }

    /** Follows one JVM until it is gone (or --duration), then prints why and its final values. */
    private void followToEnd(Producers.Followed f, PrintWriter out) throws InterruptedException {
        WalEventStream s = f.stream();
        try {
            out.println("following " + f.describe());
            out.flush();
            s.start();
            String why = follow(f, out);
            // Ended here, not only when JFR notices: a producer killed with -9 leaves a repository stream
            // waiting for chunks forever, and stream_closed must say 1 while the final values are served.
            s.producerGone();
            s.close();
            out.println(why);
            s.mirror().dump("followed", out);
            var lag = s.lag().snapshot();
            out.printf(Locale.ROOT, "%d events folded, %d handler errors; lost %d bytes, missing %d preload_segment and %d"
                            + " finish_segment events; lag event end -> /metrics: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    s.eventsSeen(), s.handlerErrors(), s.lostBytes(), s.missingEvents("preload_segment"),
                    s.missingEvents("finish_segment"), lag.percentileNanos(50) / 1e6, lag.percentileNanos(99) / 1e6,
                    lag.maxNanos() / 1e6);
            out.flush();
        } finally {
            s.producerGone();
            s.close();
            try {
                f.resource().close();
            } catch (Exception gone) {
                // the followed JVM has exited: its JMX connection cannot close cleanly, nothing is lost
            }
        }
    }

    /**
     * Returns when the stream ends, the producer exits, its repository disappears, or --duration elapses.
     *
     * @return the line saying why, before the final values
     */
    private String follow(Producers.Followed f, PrintWriter out) throws InterruptedException {
        WalEventStream s = f.stream();
        long nextDump = System.nanoTime() + seconds(dumpInterval);
        while (!s.awaitTermination(Duration.ofMillis(200))) {
            long now = System.nanoTime();
            if (elapsed()) {
                return "--duration elapsed; final values:";
            }
            if (f.process().isPresent() && !f.process().get().isAlive()) {
                s.producerGone(); // at once: the wait below is only for its last chunk
                s.awaitTermination(Duration.ofSeconds(2));
                return "the followed JVM (pid " + f.process().get().pid() + ") exited; final values:";
            }
            if (f.repository() != null && !Files.isDirectory(f.repository())) {
                // On a parent repository the next poll finds that JVM's newer directory by itself.
                return "the repository " + f.repository() + " was deleted" + (successors ? "" : successor(f.repository(), f.process()))
                        + "; final values:";
            }
            if (!f.reachable().getAsBoolean()) {
                s.producerGone();
                return "the followed JVM (" + s.source() + ") is gone; final values:";
            }
            if (dumpInterval > 0 && now >= nextDump) {
                nextDump = now + seconds(dumpInterval);
                s.mirror().dump("followed", out);
                out.flush();
            }
        }
        // JFR ends a repository stream when its JVM exits, which may come before the poll above saw it.
        if (f.process().isPresent() && f.process().get().onExit().completeOnTimeout(null, 1, TimeUnit.SECONDS).join() != null) {
            return "the followed JVM (pid " + f.process().get().pid() + ") exited; final values:";
        }
        return "the event stream ended; final values:";
    }

    /** @return where the sidecar looks for a JVM to follow, as its lines name it */
    private String watched() {
        return source.jmx != null ? "JMX " + source.jmx : source.repository.toString();
    }

    private boolean elapsed() {
        return duration > 0 && System.nanoTime() - started >= seconds(duration);
    }

    /**
     * When the producer still runs and writes to another per-process directory (JDK 17 was seen,
     * once, to replace a JVM's repository directory with a newer one a second after start), says
     * where, so the operator can follow it; otherwise nothing.
     */
    private static String successor(Path deleted, Optional<ProcessHandle> producer) {
        if (producer.isEmpty() || !producer.get().isAlive() || deleted.getParent() == null) {
            return "";
        }
        try {
            Path now = Repositories.resolve(deleted.getParent(), producer.get().pid());
            return now.equals(deleted) ? "" : " (pid " + producer.get().pid() + " still runs and writes to " + now
                    + ": follow that with --repository)";
        } catch (java.io.IOException none) {
            return "";
        }
    }

    /** A number of seconds, 0 or more, or a usage error naming the option. */
    private void seconds(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': "
                    + value + " (0 or more seconds)");
        }
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    /** Connects to a JMX port; a refusal or an unreachable host is one line naming the address. */
    static JMXConnector connect(String hostPort) throws java.io.IOException {
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + hostPort + "/jmxrmi"));
        } catch (java.io.IOException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root instanceof java.net.ConnectException ? "connection refused"
                    : root instanceof java.net.UnknownHostException ? "unknown host"
                    : root instanceof java.net.SocketTimeoutException ? "timed out"
                    : root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse(""));
            throw new java.io.IOException("cannot connect to JMX at " + hostPort + ": " + why, e);
        }
    }
}
