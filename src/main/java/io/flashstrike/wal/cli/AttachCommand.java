package io.flashstrike.wal.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.AttachOperationFailedException;
import com.sun.tools.attach.VirtualMachine;
import io.flashstrike.wal.agent.AgentOptions;
import io.flashstrike.wal.agent.WalAgent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/** {@code attach}: loads the agent into a running JVM with the Attach API, prints its URL, exits. */
@Command(name = "attach", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = {"Loads the flashstrike-wal agent into a running JVM (no restart): it serves that JVM's"
                + " telemetry blocks on /metrics, exact whenever it attaches (a recovery that ended before is"
                + " there). Prints the URL and exits.",
                "JDK 21+ prints a warning in the target JVM when an agent is loaded dynamically"
                        + " (JEP 451); start it with -XX:+EnableDynamicAgentLoading to allow it silently."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the agent serves (or was already serving) in that JVM; its URL is printed",
                "1:cannot attach (no such JVM, another user's, attach disabled) or the agent could not start there",
                "2:usage error"})
final class AttachCommand implements Callable<Integer> {
    private static final String URL = WalAgent.URL_PROPERTY;
    private static final String ERROR = WalAgent.ERROR_PROPERTY;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--pid", paramLabel = "PID", required = true, description = "The process id of the JVM.")
    long pid;

    @Option(names = "--port", paramLabel = "PORT", description = "/metrics port in that JVM; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 9464;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to bind in that JVM (default: ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--stream", description = "Also follow that JVM's events with an in-process JFR stream, for its lag"
            + " and loss families (from the attach on).")
    boolean stream;

    @Option(names = "--settings", paramLabel = "FILE", description = "A .jfc for the agent's stream; needs --stream (default: the shipped one).")
    Path settings;

    @Option(names = "--dump-interval", paramLabel = "SECONDS", description = "Dump the metrics on that JVM's stderr every SECONDS; 0 for none (default: ${DEFAULT-VALUE}).")
    double dumpInterval = 0;

    @Option(names = "--agent-jar", paramLabel = "JAR",
            description = "The agent jar (default: flashstrike-wal-agent.jar of the distribution, or of target/ in the source tree).")
    Path agentJar;

    /** Set by the distribution's bin/flashstrike-wal: the directory that holds the agent jar. */
    static final String HOME_PROPERTY = "flashstrike.wal.home";
    static final String AGENT_JAR = "flashstrike-wal-agent.jar";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (pid < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--pid': " + pid
                    + " (a process id, 1 or more)");
        }
        if (!(dumpInterval >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--dump-interval': "
                    + dumpInterval + " (0 or more seconds)");
        }
        List<String> opts = new ArrayList<>(List.of("port=" + port, "bind=" + bind));
        if (settings != null && !stream) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--settings configures the agent's JFR stream: add --stream");
        }
        if (stream) {
            opts.add("stream=on");
        }
        if (settings != null) {
            opts.add("settings=" + settings.toAbsolutePath());
        }
        if (dumpInterval > 0) {
            opts.add("dump-interval=" + dumpInterval);
        }
        try {
            AgentOptions.parse(String.join(",", opts)); // the agent's own check, here: a usage error before attaching
        } catch (IllegalArgumentException e) {
            // The agent names its own options ("option 'port'"); here they are this command's.
            throw new CommandLine.ParameterException(spec.commandLine(),
                    e.getMessage().replaceFirst("^option '([a-z-]+)':", "Invalid value for option '--$1':"));
        }
        Path jar = agentJar != null ? agentJar : defaultAgentJar();
        if (!Files.isRegularFile(jar)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "not an agent jar: " + jar + " (pass --agent-jar)");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            err.println("flashstrike-wal: cannot attach to pid " + pid + ": " + oneLine(e));
            return ExitCodes.FAILURE;
        }
        try {
            long deadline = System.nanoTime() + 15_000_000_000L;
            String running = properties(vm, deadline).getProperty(URL);
            if (running != null) {
                out.println("already running in pid " + pid + ": " + running);
                return ExitCodes.OK;
            }
            try {
                vm.loadAgent(jar.toAbsolutePath().toString(), String.join(",", opts));
            } catch (AgentLoadException | AgentInitializationException | IOException e) {
                err.println("flashstrike-wal: cannot load " + jar + " into pid " + pid + ": " + oneLine(e));
                return ExitCodes.FAILURE;
            }
            while (System.nanoTime() < deadline) {
                Properties p = properties(vm, deadline);
                if (p.getProperty(URL) != null) {
                    out.println(p.getProperty(URL));
                    return ExitCodes.OK;
                }
                if (p.getProperty(ERROR) != null) {
                    err.println("flashstrike-wal: the agent could not start in pid " + pid + ": " + p.getProperty(ERROR));
                    return ExitCodes.FAILURE;
                }
                Thread.sleep(100);
            }
            err.println("flashstrike-wal: the agent did not report within 15 s in pid " + pid);
            return ExitCodes.FAILURE;
        } catch (IOException e) {
            err.println("flashstrike-wal: cannot read the system properties of pid " + pid + ": " + oneLine(e));
            return ExitCodes.FAILURE;
        } finally {
            vm.detach();
        }
    }

    /**
     * The target's system properties, where the agent reports. The JDK copies them in the target
     * name by name ({@code jdk.internal.vm.VMSupport}: the names first, then each value), so a
     * property removed meanwhile fails the whole reply with a bare {@code NullPointerException}
     * (seen on Temurin 25.0.3, while our agent was starting there: Jetty sets a property that
     * the agent takes back). A host may churn its properties the same way: such a failure is
     * asked again until the deadline.
     */
    private static Properties properties(VirtualMachine vm, long deadline) throws IOException, InterruptedException {
        while (true) {
            try {
                return vm.getSystemProperties();
            } catch (AttachOperationFailedException racing) {
                if (System.nanoTime() - deadline >= 0) {
                    throw racing;
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * The shaded agent jar, never the jar this command runs from: that one has its third-party
     * classes unrelocated and would put them on the target's class path. The distribution's
     * launcher names its home ({@link #HOME_PROPERTY}); in the source tree the agent jar is built
     * beside target/classes and the -cli jar.
     */
    static Path defaultAgentJar() throws Exception {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null) {
            return Path.of(home, AGENT_JAR);
        }
        Path own = Path.of(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return own.toAbsolutePath().getParent().resolve(AGENT_JAR);
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
