package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryMode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options shared by {@code recover} and {@code demo}. */
final class RecoveryOptions {
    @Option(names = "--jfc", paramLabel = "FILE",
            description = "JFR settings to record with (default: the bundled jfc/flashstrike-wal.jfc).")
    Path jfc;

    @Option(names = "--no-jfr", description = "Do not record JFR events (metrics and dumps still run).")
    boolean noJfr;

    @Option(names = "--live-stream",
            description = "Also fold this JVM's events live with an in-process JFR stream while recovering (its lag and"
                    + " loss on /metrics). Without it the recording is folded once the run ended, off the recovery's cores.")
    boolean liveStream;

    @Option(names = "--lookahead", paramLabel = "K",
            description = "Segments the worker preloads ahead of replay (default: ${DEFAULT-VALUE}).")
    int lookahead = RecoveryManager.DEFAULT_LOOKAHEAD;

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class,
            description = {"What to do with an anomaly (default: tolerate-tail):",
                    "  strict         any anomaly fails recovery, a torn tail included",
                    "  tolerate-tail  only a torn or zero-filled tail of the newest segment is dropped (clean end)",
                    "  point-in-time  stop at the first inconsistency, deliver the consistent prefix, exit 0 with a warning;",
                    "                 I/O errors still fail"})
    RecoveryMode mode = RecoveryMode.TOLERATE_TAIL;

    @Option(names = "--repair",
            description = "With tolerate-tail or point-in-time: cut the log where recovery stopped — copy the damaged"
                    + " segment to <name>.broken (or the next free .broken.N), truncate it at the last valid offset and"
                    + " zero-fill it to its size (a clean end), move later segments aside as *.broken, fsync — and say so."
                    + " Without it recovery never modifies a file.")
    boolean repair;

    @Option(names = "--allow-empty",
            description = "A directory without segments is an empty log (a first start). Without it, strict and"
                    + " tolerate-tail fail (exit 3) and point-in-time warns: an unmounted volume or a mistyped --dir"
                    + " looks the same.")
    boolean allowEmpty;

    /** Rejects combinations that make no sense, as usage errors. */
    void validate(CommandLine cl) {
        if (lookahead < 1) {
            throw new CommandLine.ParameterException(cl, "--lookahead must be at least 1");
        }
        if (liveStream && noJfr) {
            throw new CommandLine.ParameterException(cl, "--live-stream follows the JFR events: it cannot go with --no-jfr");
        }
        if (repair && mode == RecoveryMode.STRICT) {
            throw new CommandLine.ParameterException(cl, "--repair needs --mode tolerate-tail or point-in-time: strict tolerates nothing");
        }
    }

    static final class ModeConverter implements CommandLine.ITypeConverter<RecoveryMode> {
        @Override
        public RecoveryMode convert(String value) {
            try {
                return RecoveryMode.ofCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
