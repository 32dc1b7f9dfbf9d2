package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.RecoveryResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/** {@code recover}: replays a WAL directory with JFR on, live dumps, a summary and a report. */
@Command(name = "recover", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = {"Recover a WAL directory: preload + verify + replay every segment, with JFR recording;"
                + " prints a progress bar, the summary, the verdict and where the recording is.",
                "What an anomaly does depends on --mode; --repair cuts the log where recovery stopped."
                        + " Modes, repair and every fault: docs/RECOVERY.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok: replayed to the end of the log, or to the anomaly the mode accepts (a torn tail"
                + " of the newest segment; in point-in-time, the first inconsistency), then a warning line",
                "1:failure that is not corruption (I/O error, missing directory, failed repair)",
                "2:usage error (e.g. --repair with --mode strict)",
                "3:corruption found: recovery stopped at the fault, named by file, segment, offset and LSN; or no"
                        + " segment at all without --allow-empty"})
final class RecoverCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "The WAL directory.")
    Path dir;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Where to write the JFR recording (default: flashstrike-wal-<time>.jfr in the working directory).")
    Path jfr;

    @Option(names = "--dump-interval", paramLabel = "SECONDS",
            description = "Print progress and the metrics dump every SECONDS instead of the bar, then the final dump and"
                    + " the full report; 0 for the final ones only (by default none of them).")
    Double dumpInterval;

    @Mixin
    RecoveryOptions options;

    @Mixin
    MetricsOptions serve;

    @Mixin
    PushOptions push;

    @Override
    public Integer call() throws Exception {
        options.validate(spec.commandLine());
        RecoveryRun.checkSettings(spec.commandLine(), options.noJfr ? null : options.jfc);
        RecoveryRun.checkRecordingFile(spec.commandLine(), options.noJfr ? null : jfr);
        push.gateway(); // a bad push target is a usage error before any work
        if (dumpInterval != null && !(dumpInterval >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--dump-interval': "
                    + dumpInterval + " (0 or more seconds)");
        }
        serve.check();
        // Before anything starts: no summary of a recovery that never ran, no empty .jfr left behind.
        String problem = ErrorLines.directoryProblem("--dir", dir);
        if (problem != null) {
            spec.commandLine().getErr().println("flashstrike-wal: " + problem);
            return ExitCodes.FAILURE;
        }
        Path jfrFile = options.noJfr ? null : (jfr != null ? jfr : defaultJfrFile("flashstrike-wal"));
        RecoveryResult r = new RecoveryRun(dir, jfrFile, options, dumpInterval, serve,
                spec.commandLine().getOut(), spec.commandLine().getErr()).push(push, spec.commandLine().getErr()).run();
        reportOutcome(r, spec.commandLine().getErr());
        return r.exitCode();
    }

    /** The one-line error, warning and repair notes on stderr, for recover and demo alike. */
    static void reportOutcome(RecoveryResult r, java.io.PrintWriter err) {
        if (r.error() != null) {
            err.println("flashstrike-wal: recovery stopped: " + r.error());
        } else if (r.warning() != null) {
            err.println("flashstrike-wal: " + r.warning());
        }
        if (r.repair() != null) {
            err.println("flashstrike-wal: " + r.repair());
        }
    }

    static Path defaultJfrFile(String stem) {
        return Path.of(stem + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".jfr");
    }
}
