package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.BuildInfo;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code flashstrike-wal} command. */
@Command(name = "flashstrike-wal", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = "Generate, recover and inspect Flashstrike WAL directories, with JFR telemetry.",
        subcommands = {GenerateCommand.class, RecoverCommand.class, DemoCommand.class, StreamCommand.class,
                ReportCommand.class, BenchRecoveryCommand.class, AttachCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nEvery option of a command, with its default: flashstrike-wal COMMAND --help%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (I/O error, port in use, ...)", "2:usage error", "3:corruption found in the WAL"})
public final class FlashstrikeWal implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try 'demo')");
    }

    /** @return a command line with the project's exit-code conventions */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FlashstrikeWal());
        cl.setParameterExceptionHandler(FlashstrikeWal::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("flashstrike-wal: " + ErrorLines.of(e));
            return ExitCodes.FAILURE;
        });
        return cl;
    }

    /**
     * A usage error, exit 2: the problem in one line (picocli's suggestions for a mistyped option
     * under it), then where the help is; never the whole usage, which buries the line that matters.
     * A bad file an option names is the one line alone.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        java.io.PrintWriter err = cl.getErr();
        if (e instanceof OptionFileException) {
            err.println("flashstrike-wal: " + e.getMessage());
        } else {
            // picocli starts some of its messages (argument groups) with "Error: ", which the prefix says already
            err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage().replaceFirst("^Error: ", ""));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        // First thing: a recording started by JVM flags then gets no metadata of ours mid-stream (JDK-8382242).
        WalOperations.register();
        System.exit(commandLine().execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"flashstrike-wal " + BuildInfo.VERSION + " on Java " + BuildInfo.jdk()
                    + " (" + System.getProperty("java.vm.vendor", "?") + ", " + System.getProperty("java.home") + ")"};
        }
    }
}
