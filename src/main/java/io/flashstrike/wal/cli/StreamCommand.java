package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.stream.Repositories;
import io.flashstrike.wal.stream.WalEventStream;
import jdk.management.jfr.RemoteRecordingStream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code stream}: the sidecar. Follows a production JVM started only with JFR flags — through its
 * disk repository or over JMX — folds its {@code flashstrike.wal.*} events and serves them on
 * /metrics, with periodic dumps, until that JVM exits.
 */
@Command(name = "stream", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = {"Follow another JVM's flashstrike.wal events and serve them on /metrics (a sidecar).",
                // One flag a line: wrapped, picocli would break them at '.' or ':' and they could not be pasted.
                "Start the JVM to follow with, for --repository:",
                "  -XX:StartFlightRecording:settings=jfc/flashstrike-wal.jfc",
                "  -XX:FlightRecorderOptions:repository=/var/tmp/jfr",
                "or, for --jmx, with JMX on loopback:",
                "  -Dcom.sun.management.jmxremote.port=9010",
                "  -Dcom.sun.management.jmxremote.host=127.0.0.1 ..."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the followed JVM ended (or --duration elapsed)", "1:failure (no repository, port in use, JMX refused)",
                "2:usage error"})
final class StreamCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    static final class Source {
        @Option(names = "--repository", paramLabel = "DIR",
                description = {"The JFR repository (or a per-process directory under it): the directory given to",
                        "-XX:FlightRecorderOptions:repository="})
        Path repository;

        @Option(names = "--jmx", paramLabel = "HOST:PORT", description = {"A JVM's JMX port, followed with", "jdk.management.jfr.RemoteRecordingStream"})
        String jmx;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--pid", paramLabel = "PID", description = "With --repository: the JVM to follow (default: the newest live one);"
            + " waits up to 30 s for a live JVM's repository to appear.")
    long pid = -1;

    @Option(names = "--dump-interval", paramLabel = "SECONDS",
            description = "Print the dump of the followed metrics every SECONDS; 0 for none (default: ${DEFAULT-VALUE}).")
    double dumpInterval = 5;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long; 0 follows until the JVM ends (default: ${DEFAULT-VALUE}).")
    double duration = 0;

    @Mixin
    MetricsOptions serve;

    @Override
    public Integer call() throws Exception {
        seconds("--duration", duration);
        seconds("--dump-interval", dumpInterval);
        if (pid != -1 && pid < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--pid': " + pid
                    + " (a process id, 1 or more)");
        }
        serve.check();
        PrintWriter out = spec.commandLine().getOut();
        WalRecoveryMetrics mirror = new WalRecoveryMetrics();
        JMXConnector jmx = null;
        WalEventStream stream;
        Path repository = null;
        Optional<ProcessHandle> producer = Optional.empty();
        java.util.function.BooleanSupplier remoteAlive = () -> true;
        if (source.repository != null) {
            repository = resolve(source.repository, pid);
            producer = Repositories.producer(repository);
            stream = WalEventStream.openRepository(repository, mirror);
        } else {
            jmx = connect(source.jmx);
            MBeanServerConnection connection = jmx.getMBeanServerConnection();
            remoteAlive = () -> {
                try {
                    connection.getMBeanCount();
                    return true;
                } catch (java.io.IOException gone) {
                    return false;
                }
            };
            RemoteRecordingStream remote = new RemoteRecordingStream(connection);
            for (OperationType<?, ?> op : WalOperations.ALL) {
                remote.enable(op.eventName()).withThreshold(Duration.ZERO);
            }
            // The stream's loss account: JFR's own data-loss events and the producer's totals.
            remote.enable("jdk.DataLoss");
            remote.enable(SegmentPreloaderStatisticsEvent.NAME).withPeriod(Duration.ofSeconds(1));
            remote.enable(OperationStatisticsEvent.NAME).withPeriod(Duration.ofSeconds(1));
            stream = WalEventStream.of(remote, "JMX " + source.jmx, mirror);
        }
        MetricsHttpServer server = null;
        try (WalEventStream s = stream) {
            if (serve.enabled()) {
                server = serve.start(c -> s.collect(WalRecoveryMetrics.DEFAULT_PREFIX, c), out);
            }
            out.println("following " + s.source() + producer.map(p -> " (pid " + p.pid() + ")").orElse(""));
            out.flush();
            s.start();
            boolean remoteGone = follow(s, repository, producer, remoteAlive, out);
            String why = remoteGone ? "the followed JVM (" + s.source() + ") is gone; final values:" : end(s, repository, producer);
            // Ended here, not only when JFR notices: a producer killed with -9 leaves a repository stream
            // waiting for chunks forever, and stream_closed must say 1 while the final values are served.
            s.close();
            out.println(why);
            mirror.dump("followed", out);
            var lag = s.lag().snapshot();
            out.printf(Locale.ROOT, "%d events folded, %d handler errors; lost %d bytes, missing %d preload_segment and %d"
                            + " finish_segment events; lag event end -> /metrics: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    s.eventsSeen(), s.handlerErrors(), s.lostBytes(), s.missingEvents("preload_segment"),
                    s.missingEvents("finish_segment"), lag.percentileNanos(50) / 1e6, lag.percentileNanos(99) / 1e6,
                    lag.maxNanos() / 1e6);
            out.flush();
            serve.linger(out, server == null ? null : server.url());
        } finally {
            if (server != null) {
                server.close();
            }
            if (jmx != null) {
                try {
                    jmx.close();
                } catch (java.io.IOException gone) {
                    // the followed JVM has exited: its end is the normal end of a sidecar
                }
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Returns when the stream ends, the producer exits, its repository disappears, or --duration elapses.
     *
     * @return {@code true} when a remote producer stopped answering
     */
    private boolean follow(WalEventStream s, Path repository, Optional<ProcessHandle> producer,
                           java.util.function.BooleanSupplier remoteAlive, PrintWriter out) throws InterruptedException {
        long start = System.nanoTime();
        long nextDump = start + seconds(dumpInterval);
        while (!s.awaitTermination(Duration.ofMillis(200))) {
            long now = System.nanoTime();
            if (duration > 0 && now - start >= seconds(duration)) {
                return false;
            }
            if (producer.isPresent() && !producer.get().isAlive()) {
                // Give the stream one flush period to deliver the producer's last chunk.
                s.awaitTermination(Duration.ofSeconds(2));
                return false;
            }
            if (repository != null && !Files.isDirectory(repository)) {
                return false;
            }
            if (!remoteAlive.getAsBoolean()) {
                return true;
            }
            if (dumpInterval > 0 && now >= nextDump) {
                nextDump = now + seconds(dumpInterval);
                s.mirror().dump("followed", out);
                out.flush();
            }
        }
        return false;
    }

    /**
     * A JVM started a moment ago (in the background, as the README's recipe does) creates its
     * per-process repository only as JFR starts: with {@code --pid} of a live JVM, wait for it.
     */
    private static Path resolve(Path dir, long pid) throws java.io.IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds(PID_WAIT_SECONDS);
        while (true) {
            try {
                return Repositories.resolve(dir, pid);
            } catch (java.io.IOException notYet) {
                boolean alive = pid >= 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive || System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    private static final double PID_WAIT_SECONDS = 30;

    private String end(WalEventStream s, Path repository, Optional<ProcessHandle> producer) {
        if (producer.isPresent() && !producer.get().isAlive()) {
            return "the followed JVM (pid " + producer.get().pid() + ") exited; final values:";
        }
        if (repository != null && !Files.isDirectory(repository)) {
            return "the repository " + repository + " was deleted" + successor(repository, producer) + "; final values:";
        }
        return s.isClosed() ? "the event stream ended; final values:" : "--duration elapsed; final values:";
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
