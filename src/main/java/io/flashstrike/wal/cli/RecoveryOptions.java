package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.RecoveryManager;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options shared by {@code recover} and {@code demo}. */
final class RecoveryOptions {
    @Option(names = "--jfc", paramLabel = "FILE",
            description = "JFR settings to record with (default: the bundled jfc/flashstrike-wal.jfc).")
    Path jfc;

    @Option(names = "--no-jfr", description = "Do not record JFR events (metrics and dumps still run).")
    boolean noJfr;

    @Option(names = "--lookahead", paramLabel = "K",
            description = "Segments the worker preloads ahead of replay (default: ${DEFAULT-VALUE}).")
    int lookahead = RecoveryManager.DEFAULT_LOOKAHEAD;
}
