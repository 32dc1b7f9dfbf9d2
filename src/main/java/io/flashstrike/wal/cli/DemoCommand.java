package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.SizeParser;

import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.segment.WalGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;

/** {@code demo}: generate a WAL in a temporary directory and recover it with everything on. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = "Generate a WAL in a temporary directory, recover it with JFR recording, print a progress bar,"
                + " the summary and the verdict, and say where the .jfr file is.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:failure", "2:usage error", "3:corruption found"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--segments", description = "Segments to generate (default: ${DEFAULT-VALUE}).")
    int segments = 32;

    @Option(names = "--segment-size", converter = SizeConverter.class, paramLabel = "SIZE",
            description = "Bytes per segment (default: 32MiB).")
    long segmentSize = 32L << 20;

    @Option(names = "--record-size", converter = SizeConverter.class, paramLabel = "SIZE",
            description = "Payload bytes per record (default: 512).")
    long recordSize = 512;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Where to write the JFR recording (default: flashstrike-wal-demo-<time>.jfr in the working directory).")
    Path jfr;

    @Option(names = "--dump-interval", paramLabel = "SECONDS",
            description = "Print progress and the metrics dump every SECONDS instead of the bar, then the final dump and"
                    + " the full report; 0 for the final ones only; the demo's recovery is short, try 0.1 (by default none of them).")
    Double dumpInterval;

    @Option(names = "--keep", description = "Keep the generated WAL directory (it is deleted otherwise).")
    boolean keep;

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
        GenerateCommand.checkSizes(spec.commandLine(), segments, segmentSize, recordSize);
        if (dumpInterval != null && !(dumpInterval >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--dump-interval': "
                    + dumpInterval + " (0 or more seconds)");
        }
        Path dir = Files.createTempDirectory("flashstrike-wal-demo-");
        try {
            var out = spec.commandLine().getOut();
            Path jfrFile = options.noJfr ? null : (jfr != null ? jfr : RecoverCommand.defaultJfrFile("flashstrike-wal-demo"));
            WalGenerator.Summary[] generated = new WalGenerator.Summary[1];
            // Generation runs once /metrics is bound: a port in use fails at once, not after writing the WAL.
            RecoveryResult r = new RecoveryRun(dir, jfrFile, options, dumpInterval, serve, out, spec.commandLine().getErr())
                    .push(push, spec.commandLine().getErr()).run(() -> {
                out.println("demo: generating " + segments + " x " + SizeParser.format(segmentSize) + " segments in " + dir);
                out.flush();
                generated[0] = GenerateCommand.generate(GenerateCommand.generator(spec.commandLine(), dir, segments,
                        segmentSize, recordSize), spec.commandLine().getErr(), "generate");
                out.println("demo: " + generated[0].records() + " records written; recovering" + (jfrFile == null ? "" : " with JFR on"));
                out.flush();
            });
            WalGenerator.Summary g = generated[0];
            RecoverCommand.reportOutcome(r, spec.commandLine().getErr());
            if (r.records() != g.records()) {
                spec.commandLine().getErr().println("flashstrike-wal: demo recovered " + r.records() + " of " + g.records() + " records");
                return ExitCodes.FAILURE;
            }
            if (keep) {
                out.println("demo: WAL kept in " + dir);
            }
            return r.exitCode();
        } finally {
            if (!keep) {
                deleteTree(dir);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
