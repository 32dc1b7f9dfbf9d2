package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.OperationType;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.stream.Repositories;
import io.flashstrike.wal.stream.WalEventStream;
import jdk.management.jfr.RemoteRecordingStream;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Finds the JVM a sidecar follows next — in a JFR repository or behind a JMX port — and opens a
 * stream of its events into a fresh mirror. "None yet" is not an error: the sidecar waits; only
 * what is the sidecar's own fault (a repository missing or unreadable, a JMX port refused at the
 * very start) throws.
 */
final class Producers {
    /** One followed JVM: its stream, how to tell it is alive, and what to release with it. */
    record Followed(WalEventStream stream, Optional<ProcessHandle> process, Path repository, BooleanSupplier reachable,
                    AutoCloseable resource) {
        String describe() {
            return stream.source() + process.map(p -> " (pid " + p.pid() + ")").orElse("");
        }
    }

    private static final Duration REPOSITORY_POLL = Duration.ofMillis(250);
    private static final Duration JMX_BACKOFF_MAX = Duration.ofSeconds(30);

    private final Path repository;
    private final String jmx;
    private final long pid;
    private final Path pidFile;
    private Duration jmxBackoff = Duration.ofSeconds(1);

    Producers(Path repository, String jmx, long pid, Path pidFile) {
        this.repository = repository;
        this.jmx = jmx;
        this.pid = pid;
        this.pidFile = pidFile;
    }

    /** @return whether each JVM followed can have a successor (a parent repository, or JMX), not one JVM's own */
    boolean canHaveSuccessor() throws IOException {
        return jmx != null || (pid < 0 && !Repositories.isPerProcess(repository));
    }

    /** @return how long to wait before asking {@link #next} again: JMX backs off, doubling to 30 s */
    Duration retryDelay() {
        if (jmx == null) {
            return REPOSITORY_POLL;
        }
        Duration d = jmxBackoff;
        jmxBackoff = jmxBackoff.multipliedBy(2).compareTo(JMX_BACKOFF_MAX) > 0 ? JMX_BACKOFF_MAX : jmxBackoff.multipliedBy(2);
        return d;
    }

    /**
     * @param first nothing followed yet: a JMX port that refuses is then a failure, later it is a JVM restarting
     * @return the next producer's stream (not started), or empty when there is none yet
     */
    Optional<Followed> next(boolean first) throws IOException {
        if (jmx != null) {
            return remote(first);
        }
        Optional<Path> dir;
        if (pid >= 0) {
            dir = Optional.of(resolve(repository, pid));
        } else if (Repositories.isPerProcess(repository)) {
            dir = Optional.of(repository);
        } else if (pidFile != null) {
            long designated = readPid(pidFile);
            dir = designated < 0 ? Optional.empty() : Repositories.live(repository, designated);
        } else {
            dir = Repositories.live(repository, -1);
        }
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = Repositories.producer(dir.get());
        WalEventStream s = WalEventStream.openRepository(dir.get(), new WalRecoveryMetrics());
        process.flatMap(p -> p.info().startInstant()).ifPresent(s::producerStart);
        return Optional.of(new Followed(s, process, dir.get(), () -> true, () -> { }));
    }

    /**
     * A JVM started a moment ago (in the background, as the README's recipe does) creates its
     * per-process repository only as JFR starts: with {@code --pid} of a live JVM, wait for it.
     */
    private static Path resolve(Path dir, long pid) throws IOException {
        long deadline = System.nanoTime() + PID_WAIT.toNanos();
        while (true) {
            try {
                return Repositories.resolve(dir, pid);
            } catch (IOException notYet) {
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive || System.nanoTime() > deadline) {
                    throw notYet;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw notYet;
                }
            }
        }
    }

    private static final Duration PID_WAIT = Duration.ofSeconds(30);

    /** The pid a {@code --pid-file} names, or -1 while it is missing, empty or being rewritten. */
    private static long readPid(Path file) throws IOException {
        try {
            String text = Files.readString(file).strip();
            return text.matches("\\d{1,18}") ? Long.parseLong(text) : -1;
        } catch (java.nio.file.NoSuchFileException notYet) {
            return -1;
        }
    }

    private Optional<Followed> remote(boolean first) throws IOException {
        JMXConnector connector;
        try {
            connector = StreamCommand.connect(jmx);
        } catch (IOException refused) {
            if (first) {
                throw refused;
            }
            return Optional.empty();
        }
        jmxBackoff = Duration.ofSeconds(1);
        MBeanServerConnection connection = connector.getMBeanServerConnection();
        BooleanSupplier reachable = () -> {
            try {
                connection.getMBeanCount();
                return true;
            } catch (IOException gone) {
                return false;
            }
        };
        RemoteRecordingStream remote = new RemoteRecordingStream(connection);
        for (OperationType<?, ?> op : WalOperations.ALL) {
            remote.enable(op.eventName()).withThreshold(Duration.ZERO);
        }
        WalEventStream.enableLossAccount(remote::enable);
        WalEventStream s = WalEventStream.of(remote, "JMX " + jmx, new WalRecoveryMetrics());
        try {
            s.producerStart(Instant.ofEpochMilli(ManagementFactory.getPlatformMXBean(connection, RuntimeMXBean.class).getStartTime()));
        } catch (IOException | RuntimeException unknown) {
            // the gauge is left out; the counters' reset still shows as a drop
        }
        return Optional.of(new Followed(s, Optional.empty(), null, reachable, connector));
    }
}
