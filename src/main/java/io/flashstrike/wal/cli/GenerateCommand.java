package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.SizeParser;

import io.flashstrike.wal.segment.WalGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code generate}: writes a valid WAL directory. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = "Write a valid WAL: N segments, each filled with records up to its size.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:failure", "2:usage error"})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "Directory to write (created if missing; must hold no segments).")
    Path dir;

    @Option(names = "--segments", description = "Number of segments (default: ${DEFAULT-VALUE}).")
    int segments = 8;

    @Option(names = "--segment-size", converter = SizeConverter.class, paramLabel = "SIZE",
            description = "Bytes per segment file, e.g. 64MiB (default: 64MiB).")
    long segmentSize = 64L << 20;

    @Option(names = "--record-size", converter = SizeConverter.class, paramLabel = "SIZE",
            description = "Payload bytes per record, e.g. 512 or 4KiB (default: 1KiB).")
    long recordSize = 1024;

    @Option(names = "--fsync", description = "Force each segment to disk before moving on.")
    boolean fsync;

    @Override
    public Integer call() throws Exception {
        if (segments < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--segments must be at least 1");
        }
        if (segmentSize > Integer.MAX_VALUE || recordSize > Integer.MAX_VALUE) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--segment-size and --record-size must be below 2 GiB");
        }
        WalGenerator generator;
        try {
            generator = WalGenerator.into(dir).segments(segments).segmentSize(segmentSize)
                    .payloadSize((int) recordSize).force(fsync);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        WalGenerator.Summary s = generate(generator, spec.commandLine().getErr(), "generate");
        spec.commandLine().getOut().printf(Locale.ROOT, "generated %d segments, %d records (LSN %d..%d), %s in %s%n",
                s.segments(), s.records(), s.firstLsn(), s.lastLsn(), SizeParser.format(s.bytes()), dir);
        return ExitCodes.OK;
    }

    /** Runs the generator with a progress bar on {@code err}. */
    static WalGenerator.Summary generate(WalGenerator generator, java.io.PrintWriter err, String what) throws Exception {
        ProgressBar bar = new ProgressBar(err, what, generator.totalBytes(), System.console() != null);
        WalGenerator.Summary s = generator.progress((done, total) -> bar.update(done)).generate();
        bar.finish(generator.totalBytes());
        return s;
    }
}
