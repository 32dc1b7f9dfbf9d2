package io.flashstrike.wal.agent;

import java.lang.instrument.Instrumentation;

/**
 * The Java agent: {@code -javaagent:flashstrike-wal-agent.jar[=OPTIONS]} at start-up, or
 * loaded into a running JVM by {@code flashstrike-wal attach --pid N}. It serves this JVM's
 * {@linkplain io.flashstrike.wal.recovery.telemetry.TelemetryRegistry registry} of telemetry blocks
 * on /metrics — exact whenever it is attached — so JVM flags alone give live metrics; with
 * {@code stream=on} an in-process JFR stream adds its lag and loss.
 *
 * <p><b>Fails open.</b> A bad option, a port in use or any failure prints one line on stderr and
 * the agent steps aside; the application runs as if it were not there. Nothing is thrown out of
 * {@code premain}/{@code agentmain}, nothing calls {@code System.exit}. Everything but option
 * parsing happens on the agent's own daemon thread, after {@code premain} has returned: JFR and
 * the HTTP server start there, and nothing of ours initialises {@code java.util.logging}.
 */
public final class WalAgent {
    /** Set in the agent's JVM once it serves: its /metrics URL, which {@code attach} reads back. */
    public static final String URL_PROPERTY = "flashstrike.wal.agent.url";
    /** Set in the agent's JVM when it could not start: the one-line reason. */
    public static final String ERROR_PROPERTY = "flashstrike.wal.agent.error";

    private WalAgent() {
    }

    /** Called before {@code main} for {@code -javaagent}. */
    public static void premain(String args, Instrumentation inst) {
        start(args, "premain", true);
    }

    /** Called by the Attach API ({@code flashstrike-wal attach}). */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, "attach", false);
    }

    private static void start(String args, String how, boolean atJvmStart) {
        try {
            AgentOptions options = AgentOptions.parse(args);
            AgentRuntime.launch(options, how, atJvmStart);
        } catch (IllegalArgumentException e) {
            AgentRuntime.fail(e.getMessage());
        } catch (Throwable t) { // an agent must never take its host down
            AgentRuntime.fail("could not start: " + t);
        }
    }
}
