package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.Manager;
import io.flashstrike.wal.recovery.telemetry.ManagerUpdater;
import io.flashstrike.wal.recovery.telemetry.RunSummary;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.SegmentReader;
import io.flashstrike.wal.recovery.telemetry.SegmentReaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.jfr.FinishSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.ReadSegmentEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.RecoveryEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.OperationStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.SegmentPreloaderStatisticsEvent;
import io.flashstrike.wal.recovery.telemetry.jfr.WaitForSegmentEvent;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real JFR recording (the shipped {@code jfc/flashstrike-wal.jfc}, to disk) whose
 * {@code flashstrike.wal.*} events come from the project's updaters, one operation at a time,
 * with spans the test chooses: each operation spins until its duration has passed and then calls
 * its updater with the start, so every event lasts at least its nominal duration (a little more,
 * or much more if the thread was descheduled). The builder keeps what it recorded: counts,
 * failures by status, bytes per type.
 *
 * <p>The periodic {@code SegmentPreloaderStatistics} and {@code OperationStatistics} events are switched off here: JFR's 1 s period
 * runs on a JVM-wide clock, so whether a tick falls inside a recording this short is chance, and
 * the report's figures must not depend on it. The statistics event has tests of its own.
 */
final class KnownRecording implements AutoCloseable {
    static final Path JFC = Path.of("jfc", "flashstrike-wal.jfc");

    private final Path file;
    private final String walDir;
    private final Recording recording;
    private final SegmentPreloaderUpdater preloader = new SegmentPreloaderUpdater(new SegmentPreloader());
    private final SegmentReaderUpdater reader = new SegmentReaderUpdater(new SegmentReader());
    private final ManagerUpdater manager = new ManagerUpdater(new Manager());
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, Map<String, Long>> failures = new HashMap<>();
    private final Map<String, Long> bytes = new HashMap<>();

    private KnownRecording(Path file, String walDir, Map<String, String> settings) throws Exception {
        this.file = file;
        this.walDir = walDir;
        Map<String, String> s = new HashMap<>(settings);
        s.put(SegmentPreloaderStatisticsEvent.NAME + "#enabled", "false");
        s.put(OperationStatisticsEvent.NAME + "#enabled", "false");
        this.recording = new Recording(s);
        recording.setToDisk(true);
        recording.start();
    }

    /** Starts recording with the shipped .jfc alone. */
    static KnownRecording start(Path file) throws Exception {
        return start(file, "/wal");
    }

    /** Starts recording with the shipped .jfc alone; the segments' paths are in {@code walDir}. */
    static KnownRecording start(Path file, String walDir) throws Exception {
        return new KnownRecording(file, walDir, Configuration.create(JFC).getSettings());
    }

    /** Starts recording with the JDK's {@code default} profile and the shipped .jfc, as the README's JVM flags do. */
    static KnownRecording startWithJdkDefault(Path file) throws Exception {
        Map<String, String> settings = new HashMap<>(Configuration.getConfiguration("default").getSettings());
        settings.putAll(Configuration.create(JFC).getSettings());
        return new KnownRecording(file, "/wal", settings);
    }

    static String path(long segment) {
        return path("/wal", segment);
    }

    static String path(String walDir, long segment) {
        return walDir + "/" + String.format("%020d", segment) + ".wal";
    }

    KnownRecording preload(long segment, Status status, long nanos, long size) {
        long start = spin(nanos);
        preloader.onPreloadSegment(start, status, segment, path(walDir, segment), size, size / 100,
                status.isOk() ? null : "bad record at offset " + (segment * 64));
        return note(PreloadSegmentEvent.NAME, status, size);
    }

    KnownRecording finish(long segment, Status status, long nanos, long size) {
        long start = spin(nanos);
        preloader.onFinishSegment(start, status, segment, path(walDir, segment), size, status.isOk() ? null : "close failed");
        return note(FinishSegmentEvent.NAME, status, size);
    }

    /** The replay thread waited {@code nanos} for {@code segment}; 0 means no wait at all (no spin). */
    KnownRecording waitFor(long segment, long nanos) {
        long start = nanos == 0 ? System.nanoTime() : spin(nanos);
        reader.onWaitForSegment(start, Status.OK, segment);
        return note(WaitForSegmentEvent.NAME, null, 0);
    }

    KnownRecording read(long segment, long nanos, long size) {
        long start = spin(nanos);
        reader.onReadSegment(start, Status.OK, segment, path(walDir, segment), size / 100, size, segment * 1000 + size / 100);
        return note(ReadSegmentEvent.NAME, Status.OK, size);
    }

    /** One recovery run that started at {@code start} ({@code System.nanoTime()}) and ends now. */
    KnownRecording recovery(long start, long size) {
        manager.onRecover(start, new RunSummary(Status.OK, "/wal", "tolerate-tail", 1, 1, size / 100, size, size / 100, 0,
                "clean", null, RunSummary.Position.NONE, false));
        return note(RecoveryEvent.NAME, Status.OK, size);
    }

    /** Stops the recording and writes it to the file. */
    @Override
    public void close() throws java.io.IOException {
        preloader.close();
        recording.stop();
        recording.dump(file);
        recording.close();
    }

    Path file() {
        return file;
    }

    long count(String type) {
        return counts.getOrDefault(type, 0L);
    }

    Map<String, Long> failures(String type) {
        return failures.getOrDefault(type, Map.of());
    }

    long bytes(String type) {
        return bytes.getOrDefault(type, 0L);
    }

    private KnownRecording note(String type, Status status, long size) {
        counts.merge(type, 1L, Long::sum);
        bytes.merge(type, size, Long::sum);
        if (status != null && !status.isOk()) {
            failures.computeIfAbsent(type, t -> new TreeMap<>()).merge(status.name(), 1L, Long::sum);
        }
        return this;
    }

    /** @return a start {@code nanos} in the past: spins until that much time has passed since now */
    private static long spin(long nanos) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            Thread.onSpinWait();
        }
        return start;
    }

    // ---- recordings used by several tests ----

    /**
     * 24 preloads (6 CHECKSUM_MISMATCH, 1 IO_ERROR; 0.2 to 3 ms), 12 finishes (1 IO_ERROR),
     * 24 waits (the first 2 ms, then 0 to 0.3 ms), 24 reads (0.5 ms), one recovery.
     */
    static KnownRecording mixed(Path file) throws Exception {
        return mixed(file, "/wal");
    }

    /** {@link #mixed(Path)} with the segments in {@code walDir}. */
    static KnownRecording mixed(Path file, String walDir) throws Exception {
        try (KnownRecording r = start(file, walDir)) {
            long begin = System.nanoTime();
            for (int i = 0; i < 24; i++) {
                Status st = i % 4 == 3 ? Status.CHECKSUM_MISMATCH : i == 5 ? Status.IO_ERROR : Status.OK;
                r.preload(i, st, i % 6 == 0 ? 3_000_000 : 200_000 + 40_000L * i, 4096L * (i + 1));
                r.waitFor(i, i == 0 ? 2_000_000 : 12_500L * (i % 3) * i);
                r.read(i, 500_000, 4000L * (i + 1));
                if (i % 2 == 0) {
                    r.finish(i, i == 4 ? Status.IO_ERROR : Status.OK, 20_000 + 5_000L * i, 4096L * (i + 1));
                }
            }
            r.recovery(begin, 4000L * 300);
            return r;
        }
    }

    /** 8 segments where every hand-over after the first waits 3 ms for a 1 ms read: the preloader is behind. */
    static KnownRecording stalled(Path file) throws Exception {
        try (KnownRecording r = start(file)) {
            for (int i = 0; i < 8; i++) {
                r.preload(i, Status.OK, 1_000_000, 1 << 20);
                r.waitFor(i, 3_000_000);
                r.read(i, 1_000_000, 1 << 20);
                r.finish(i, Status.OK, 50_000, 1 << 20);
            }
            return r;
        }
    }

    /** 8 segments: one 2 ms fill wait, then segments are always ready (no wait); 2 ms reads; fast finishes. */
    static KnownRecording healthy(Path file) throws Exception {
        try (KnownRecording r = start(file)) {
            for (int i = 0; i < 8; i++) {
                r.preload(i, Status.OK, 1_000_000, 1 << 20);
                r.waitFor(i, i == 0 ? 2_000_000 : 0);
                r.read(i, 2_000_000, 1 << 20);
                r.finish(i, Status.OK, 50_000, 1 << 20);
            }
            return r;
        }
    }

    /**
     * A long recovery of tiny segments: {@code segments} times preload, wait (none), read, finish,
     * each a few microseconds; every {@code failEvery}-th preload is a CHECKSUM_MISMATCH.
     */
    static KnownRecording many(Path file, int segments, int failEvery) throws Exception {
        try (KnownRecording r = start(file)) {
            for (int i = 0; i < segments; i++) {
                r.preload(i, i % failEvery == failEvery - 1 ? Status.CHECKSUM_MISMATCH : Status.OK, 2_000 + 500L * (i % 7), 4096);
                r.waitFor(i, 0);
                r.read(i, 1_000 + 300L * (i % 5), 4096);
                r.finish(i, Status.OK, 1_000, 4096);
            }
            return r;
        }
    }
}
