package io.flashstrike.wal.agent;

import io.flashstrike.wal.recovery.telemetry.TelemetryRegistry;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.export.MetricsHttpServer;
import io.flashstrike.wal.export.WebConfig;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.stream.WalEventStream;
import jdk.jfr.Configuration;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the agent runs, once per JVM, on its daemon thread {@code flashstrike-wal-agent}.
 *
 * <p>Its one JVM-wide trace is two system properties, the hand-off to {@code flashstrike-wal attach}
 * (which reads them through the Attach API): {@value #URL_PROPERTY} once it serves, or
 * {@value #ERROR_PROPERTY} when it could not start.
 */
final class AgentRuntime {
    static final String URL_PROPERTY = WalAgent.URL_PROPERTY;
    static final String ERROR_PROPERTY = WalAgent.ERROR_PROPERTY;
    private static final String PREFIX = "flashstrike-wal agent: ";
    private static final AtomicBoolean RUNNING = new AtomicBoolean();
    private static final int START_WAIT_SECONDS = 10;

    private AgentRuntime() {
    }

    /**
     * Starts the agent's thread and returns: /metrics serves the {@linkplain TelemetryRegistry
     * registry}, which needs nothing of JFR, so {@code main} does not wait for the agent. Only
     * {@code stream=on} at JVM start on JDK 17-22 waits, at most {@code START_WAIT_SECONDS}, until the
     * stream has started: JFR must initialise there with no application thread racing it
     * (JDK-8371889, fixed in 23).
     */
    static void launch(AgentOptions options, String how, boolean atJvmStart) {
        if (!RUNNING.compareAndSet(false, true)) {
            String url = System.getProperty(URL_PROPERTY);
            say("already running" + (url == null ? "" : " on " + url) + "; this " + how + "'s options are ignored");
            return;
        }
        System.clearProperty(ERROR_PROPERTY);
        if (atJvmStart) {
            String taken = portTaken(options);
            if (taken != null) {
                fail(taken); // now, not on our thread: a short program would end before that line
                return;
            }
        }
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> run(options, started), "flashstrike-wal-agent");
        t.setDaemon(true);
        t.start();
        if (atJvmStart && options.stream() && Runtime.version().feature() <= 22) {
            try {
                if (!started.await(START_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    say("still starting after " + START_WAIT_SECONDS + " s; the application goes on, events before the start are missed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The one failure worth a line before {@code main}: a fixed port already taken. A bind and a
     * close, about a millisecond; a host name (a DNS lookup) is left to the agent's thread.
     *
     * @return the line, or null when the port is free, 0, or the address not a literal
     */
    static String portTaken(AgentOptions options) {
        if (options.port() == 0 || !options.bind().matches("[0-9.]+|.*:.*")) {
            return null;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as the server binds: a port in TIME_WAIT is free for it
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(options.bind()), options.port()), 1);
            return null;
        } catch (java.net.BindException e) {
            return "cannot serve /metrics on " + options.bind() + ":" + options.port() + ": " + e.getMessage()
                    + " (is another exporter running? choose one with port=)";
        } catch (java.io.IOException | RuntimeException e) {
            return null; // the server's own bind will say what is wrong
        }
    }

    private static void run(AgentOptions options, CountDownLatch started) {
        WalEventStream stream = null;
        MetricsHttpServer server = null;
        try {
            // The web config first: a bad file is one line and no agent, before anything starts.
            WebConfig web = options.webConfigFile() == null ? WebConfig.NONE : WebConfig.load(options.webConfigFile());
            TelemetryRegistry registry = TelemetryRegistry.global();
            if (options.stream()) {
                prepareJfr();
                Configuration settings = options.settings() == null ? shippedSettings() : Configuration.create(options.settings());
                stream = WalEventStream.inProcess(settings, new WalRecoveryMetrics());
            }
            WalEventStream s = stream;
            String prefix = WalRecoveryMetrics.DEFAULT_PREFIX;
            server = MetricsHttpServer.start(options.bind(), options.port(), options.histograms(), web, c -> {
                registry.collect(prefix, c); // the blocks themselves: exact whenever this scrape happens
                if (s != null) {
                    s.collectHealth(prefix, c); // what only the stream knows; it never overrides a block
                }
            });
            web.exposureWarning(options.bind()).ifPresent(AgentRuntime::say);
            if (s != null) {
                s.startDaemon("flashstrike-wal-agent-stream", java.time.Duration.ofSeconds(START_WAIT_SECONDS));
            }
            started.countDown();
            if (options.dumpInterval() > 0) {
                startDumps(registry, options.dumpInterval());
            }
            System.setProperty(URL_PROPERTY, server.url());
            say("serving " + server.url() + " from this JVM's telemetry registry" + (s == null ? ""
                    : " and an in-process JFR stream (" + (options.settings() == null ? "jfc/flashstrike-wal.jfc" : options.settings()) + ")"));
        } catch (Exception | Error e) {
            if (server != null) {
                server.close();
            }
            if (stream != null) {
                stream.close();
            }
            String why = e.getMessage() != null && !(e instanceof RuntimeException && e.getMessage().isEmpty())
                    ? e.getMessage().lines().findFirst().orElse(e.toString()) : e.toString();
            fail(why);
        } finally {
            started.countDown();
        }
    }

    /**
     * JFR's start-up traps, before any other JFR call of ours. JDK-8382242: event metadata that
     * arrives mid-stream makes the parser resolve pooled strings to null, so every event class of
     * ours is registered before the stream starts. JDK-8371889 (JDK 17-21): a thread holding
     * {@code jdk.jfr.internal.Utils}'s monitor deadlocks with another initialising
     * {@code jdk.jfr.events.Handlers} (17-18) or {@code EventConfigurations} (19-22); with
     * {@code stream=on} at JVM start, JFR initialises them on this thread while {@code main} waits
     * (see {@link #launch}), so no second thread can race it. Attached later, the application has
     * long initialised JFR if it uses it. Forcing their initialisation ourselves, as some agents do, was worse:
     * on 17.0.15 it recursed in JFR's {@code ThrowableTracer} until the stack overflowed (seen here).
     */
    static void prepareJfr() {
        WalOperations.register();
    }

    private static Configuration shippedSettings() throws Exception {
        try (InputStream in = AgentRuntime.class.getResourceAsStream("/jfc/flashstrike-wal.jfc")) {
            if (in == null) {
                throw new IllegalStateException("jfc/flashstrike-wal.jfc is missing from the agent jar; pass settings=FILE");
            }
            return Configuration.create(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    private static void startDumps(TelemetryRegistry registry, double seconds) {
        Thread t = new Thread(() -> {
            long ms = Math.max(100, (long) (seconds * 1000));
            try {
                while (true) {
                    Thread.sleep(ms);
                    StringBuilder sb = new StringBuilder();
                    for (TelemetryRegistry.Registration r : registry.registrations()) {
                        r.dump("agent", sb);
                    }
                    System.err.print(sb);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flashstrike-wal-agent-dump");
        t.setDaemon(true);
        t.start();
    }

    static void fail(String why) {
        RUNNING.set(false); // a later attach may try again
        System.setProperty(ERROR_PROPERTY, why);
        say(why + "; the application runs without the agent");
    }

    private static void say(String line) {
        PrintStream err = System.err;
        err.println(PREFIX + line);
        err.flush();
    }
}
