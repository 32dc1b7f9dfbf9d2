package io.flashstrike.wal.cli;

import io.flashstrike.wal.segment.SizeParser;

import io.flashstrike.wal.recovery.RecoveryManager;
import io.flashstrike.wal.recovery.RecoveryResult;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.WalOperations;
import io.flashstrike.wal.segment.MappedSegment;
import io.flashstrike.wal.segment.SegmentFiles;
import io.flashstrike.wal.segment.WalDirectoryLock;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

/**
 * {@code bench-recovery}: recovery throughput on a page-cached WAL next to the physical limit
 * measured in the same run over the same files (one thread: map, CRC32C every byte, unmap), and
 * raw CRC32C over a direct buffer for context. Each measure runs in turn, round after round, so
 * machine drift hits them alike; medians are reported.
 */
@Command(name = "bench-recovery", mixinStandardHelpOptions = true, versionProvider = FlashstrikeWal.Version.class,
        description = "Measure recovery throughput against the map + CRC32C limit on the same files (a timed harness).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured and printed", "1:failure (--dir missing or not a directory, I/O error, or a recovery that did not end clean)", "2:usage error"})
final class BenchRecoveryCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "WAL to use; generated (and deleted after) when absent.")
    Path dir;

    @Option(names = "--segments", description = "Segments to generate (default: ${DEFAULT-VALUE}).")
    int segments = 16;

    @Option(names = "--segment-size", converter = SizeConverter.class, paramLabel = "SIZE", description = "Bytes per segment (default: 64MiB).")
    long segmentSize = 64L << 20;

    @Option(names = "--record-size", converter = SizeConverter.class, paramLabel = "SIZE", description = "Payload bytes per record (default: 1KiB).")
    long recordSize = 1024;

    @Option(names = "--runs", description = "Measured rounds after one warm-up round (default: ${DEFAULT-VALUE}).")
    int runs = 5;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--runs': " + runs + " (1 or more)");
        }
        GenerateCommand.checkSizes(spec.commandLine(), segments, segmentSize, recordSize);
        PrintWriter out = spec.commandLine().getOut();
        String problem = dir == null ? null : ErrorLines.directoryProblem("--dir", dir);
        if (problem != null) {
            spec.commandLine().getErr().println("flashstrike-wal: " + problem);
            return ExitCodes.FAILURE;
        }
        boolean generated = dir == null;
        Path wal = generated ? Files.createTempDirectory("flashstrike-bench-") : dir;
        try {
            if (generated) {
                GenerateCommand.generate(GenerateCommand.generator(spec.commandLine(), wal, segments, segmentSize, recordSize),
                        spec.commandLine().getErr(), "generate");
            }
            List<Path> files = SegmentFiles.list(wal);
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            ByteBuffer direct = ByteBuffer.allocateDirect(64 << 20);
            for (int i = 0; i < direct.capacity(); i += 8) {
                direct.putLong(i, i * 0x9E3779B97F4A7C15L);
            }
            long walBytes = bytes;
            Map<String, LongSupplier> measures = new LinkedHashMap<>();
            measures.put("crc32c over a direct buffer (no I/O)", () -> crcDirect(direct, walBytes));
            measures.put("limit: map + CRC32C + unmap, 1 thread", () -> mapCrcUnmap(files));
            measures.put("recovery, in-memory telemetry, JFR off", () -> recover(wal, false));
            measures.put("recovery, in-memory telemetry + JFR events", () -> recover(wal, true));
            Map<String, long[]> nanos = new LinkedHashMap<>();
            measures.keySet().forEach(k -> nanos.put(k, new long[runs]));
            for (int round = -1; round < runs; round++) {
                for (Map.Entry<String, LongSupplier> m : measures.entrySet()) {
                    long t = m.getValue().getAsLong();
                    if (round >= 0) {
                        nanos.get(m.getKey())[round] = t;
                    }
                }
            }
            out.printf(Locale.ROOT, "WAL: %d segments, %s, %s records of %d B payload; %d rounds after 1 warm-up; Java %s, %d CPUs%n",
                    files.size(), SizeParser.format(bytes), generated ? "generated" : "given", recordSize, runs,
                    Runtime.version(), Runtime.getRuntime().availableProcessors());
            double limit = mbps(bytes, median(nanos.get("limit: map + CRC32C + unmap, 1 thread")));
            out.printf(Locale.ROOT, "%-46s %12s %12s %12s %10s%n", "measure", "median MB/s", "min MB/s", "max MB/s", "of limit");
            for (Map.Entry<String, long[]> e : nanos.entrySet()) {
                long[] v = e.getValue().clone();
                Arrays.sort(v);
                double med = mbps(bytes, median(v));
                out.printf(Locale.ROOT, "%-46s %12.0f %12.0f %12.0f %9.0f%%%n", e.getKey(), med,
                        mbps(bytes, v[v.length - 1]), mbps(bytes, v[0]), 100 * med / limit);
            }
            out.println(lastStages);
            return ExitCodes.OK;
        } finally {
            if (generated) {
                for (Path f : SegmentFiles.list(wal)) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(wal.resolve(WalDirectoryLock.FILE_NAME)); // generate's lock file
                Files.deleteIfExists(wal);
            }
        }
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static long crcDirect(ByteBuffer direct, long total) {
        long start = System.nanoTime();
        CRC32C crc = new CRC32C();
        for (long done = 0; done < total; done += direct.capacity()) {
            crc.update(direct.duplicate());
        }
        sink ^= crc.getValue();
        return System.nanoTime() - start;
    }

    private static long mapCrcUnmap(List<Path> files) {
        long start = System.nanoTime();
        try {
            for (Path f : files) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                     MappedSegment m = MappedSegment.mapReadOnly(ch, ch.size())) {
                    CRC32C crc = new CRC32C();
                    crc.update(m.buffer());
                    sink ^= crc.getValue();
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return System.nanoTime() - start;
    }

    private static long recover(Path wal, boolean jfr) {
        try {
            Recording recording = null;
            if (jfr) {
                WalOperations.register(); // before the recording starts (JDK-8382242)
                try (var in = BenchRecoveryCommand.class.getResourceAsStream("/jfc/flashstrike-wal.jfc")) {
                    recording = new Recording(Configuration.create(new InputStreamReader(in, StandardCharsets.UTF_8)));
                }
                recording.start();
            }
            long start = System.nanoTime();
            WalRecoveryMetrics metrics = new WalRecoveryMetrics();
            RecoveryResult r = new RecoveryManager(metrics).recover(wal,
                    (lsn, type, payload) -> sink += payload.getLong(payload.position()));
            long t = System.nanoTime() - start;
            if (recording != null) {
                recording.close();
            }
            if (!r.status().isOk()) {
                throw new IllegalStateException("recovery failed: " + r.error());
            }
            lastStages = String.format(Locale.ROOT,
                    "stages of the last run%s (from its own telemetry): preload busy %.1f ms (%.0f MB/s), read busy %.1f ms (%.0f MB/s),"
                            + " finish busy %.1f ms, replay waited %.1f ms, wall %.1f ms",
                    jfr ? " with JFR" : "", ms(metrics.segmentPreloader().preloadSegment()), mbps(r.bytes(), metrics.segmentPreloader().preloadSegment().snapshot().totalNanos()),
                    ms(metrics.segmentReader().readSegment()), mbps(r.bytes(), metrics.segmentReader().readSegment().snapshot().totalNanos()),
                    ms(metrics.segmentPreloader().finishSegment()), ms(metrics.segmentReader().waitForSegment()), t / 1e6);
            return t;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double ms(io.flashstrike.wal.recovery.telemetry.Operation64 op) {
        return op.snapshot().totalNanos() / 1e6;
    }

    private static String lastStages = "";

    /** Keeps the JIT from removing the work. */
    static volatile long sink;
}
