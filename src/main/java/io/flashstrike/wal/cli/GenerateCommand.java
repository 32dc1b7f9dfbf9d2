package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.SegmentLayout;
import io.flashstrike.wal.segment.SizeParser;
import io.flashstrike.wal.segment.WalGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code generate}: writes a valid WAL directory. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = "Write a valid WAL: N segments, each filled with records up to its size.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:failure: --dir is not a directory, cannot be created or already holds segments; an I/O"
                + " error (named by file)", "2:usage error (an option's value, e.g. a --segment-size not a multiple of 8)"})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Directory to write (created if missing; must hold no segments).")
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
        WalGenerator generator = generator(spec.commandLine(), dir, segments, segmentSize, recordSize).force(fsync);
        // The directory's faults, each one line naming it, before the progress bar.
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return fail(ErrorLines.directoryProblem("--dir", dir));
        }
        if (Files.isDirectory(dir)) {
            List<Path> existing = SegmentFiles.list(dir);
            if (!existing.isEmpty()) {
                return fail("segment " + SegmentFiles.parseId(existing.get(0)) + " exists in " + dir
                        + ": generate writes a new log only");
            }
        } else {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                return fail("cannot create --dir " + dir + ": " + ErrorLines.about(dir, e));
            }
        }
        WalGenerator.Summary s = generate(generator, spec.commandLine().getErr(), "generate");
        spec.commandLine().getOut().printf(Locale.ROOT, "generated %d segments, %d records (LSN %d..%d), %s in %s%n",
                s.segments(), s.records(), s.firstLsn(), s.lastLsn(), SizeParser.format(s.bytes()), dir);
        return ExitCodes.OK;
    }

    private int fail(String line) {
        spec.commandLine().getErr().println("flashstrike-wal: " + line);
        return ExitCodes.FAILURE;
    }

    /**
     * A generator for these options, every one checked as a usage error before anything is
     * written: generate, demo and bench-recovery take the same sizes and say the same thing.
     */
    static WalGenerator generator(CommandLine cl, Path dir, int segments, long segmentSize, long recordSize) {
        checkSizes(cl, segments, segmentSize, recordSize);
        try {
            return WalGenerator.into(dir).segments(segments).segmentSize(segmentSize).payloadSize((int) recordSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** Throws the usage error of the first of these options a generator would refuse. */
    static void checkSizes(CommandLine cl, int segments, long segmentSize, long recordSize) {
        if (segments < 1) {
            throw new CommandLine.ParameterException(cl, "Invalid value for option '--segments': " + segments + " (1 or more)");
        }
        if (recordSize > Integer.MAX_VALUE) {
            throw new CommandLine.ParameterException(cl, "Invalid value for option '--record-size': "
                    + SizeParser.format(recordSize) + " (below 2 GiB)");
        }
        String sizeProblem = SegmentLayout.segmentSizeProblem(segmentSize);
        if (sizeProblem != null) {
            throw new CommandLine.ParameterException(cl, "Invalid value for option '--segment-size': " + sizeProblem);
        }
        if (SegmentLayout.recordsPerSegment((int) segmentSize, (int) recordSize) < 1) {
            throw new CommandLine.ParameterException(cl, "Invalid value for option '--record-size': a record with a "
                    + recordSize + "-byte payload does not fit in a " + segmentSize + "-byte segment (largest payload "
                    + SegmentLayout.maxPayload((int) segmentSize) + ")");
        }
    }

    /** Runs the generator with a progress bar on {@code err}. */
    static WalGenerator.Summary generate(WalGenerator generator, java.io.PrintWriter err, String what) throws Exception {
        ProgressBar bar = new ProgressBar(err, what, generator.totalBytes(), Terminal.stderr());
        WalGenerator.Summary s = generator.progress((done, total) -> bar.update(done)).generate();
        bar.finish(generator.totalBytes());
        return s;
    }
}
