package io.flashstrike.wal.bench;

import io.flashstrike.wal.recovery.telemetry.LegacyPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.ManagerUpdater;
import io.flashstrike.wal.recovery.telemetry.RunSummary;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.SegmentReaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.WalRecoveryMetrics;
import io.flashstrike.wal.recovery.telemetry.jfr.EventTiming;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * The zero-overhead target (docs/BENCHMARKS.md, section 1): the whole updater call, {@code start = nanoTime(); onPreloadSegment(start,
 * st)}, against the bare baseline of two {@code System.nanoTime()} calls (the same two clock reads
 * the updater call makes: the caller's start and the updater's end).
 *
 * <p>{@code jfr}: {@code off} (no recording), {@code committed} (a recording with the shipped
 * {@code .jfc}: every call commits an event), {@code disabled} (a recording from a copy of the
 * {@code .jfc} with {@code PreloadSegment} {@code enabled=false}). Recordings are in memory
 * ({@code setToDisk(false)}): the caller's cost of a commit is the same, and a disk recording of
 * tens of millions of events a second would only add this machine's write-back to the noise.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UpdaterBench {
    private static final String PATH = "/var/lib/flashstrike/wal/00000000000000000007.wal";
    private static final EventTiming TIMING = EventTiming.of(PreloadSegmentEvent.class);

    @Param({"off", "committed", "disabled"})
    public String jfr;

    private SegmentPreloaderUpdater updater;
    /** The updater as it was before the seam, in the same run: the before/after of docs/BENCHMARKS.md. */
    private LegacyPreloaderUpdater legacy;
    private Recording recording;
    private long segmentId;
    private final PreloadSegmentEvent commitOnlyEvent = new PreloadSegmentEvent();
    private long fakeStart = System.nanoTime();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        updater = new SegmentPreloaderUpdater(new SegmentPreloader());
        legacy = new LegacyPreloaderUpdater();
        Configuration c = switch (jfr) {
            case "off" -> null;
            case "committed" -> Jfc.shipped();
            case "disabled" -> Jfc.withDisabled(PreloadSegmentEvent.NAME);
            default -> throw new IllegalArgumentException("jfr=" + jfr);
        };
        if (c != null) {
            recording = new Recording(c);
            recording.setToDisk(false);
            recording.start();
        }
        everyOperationOnce();
    }

    /**
     * As in a recovery, the seam's shared code sees every WAL event class before the measured one,
     * so its call profiles are as polluted as in production (the static final descriptions are
     * meant to make that irrelevant; this proves it rather than assumes it).
     */
    private static void everyOperationOnce() {
        WalRecoveryMetrics m = new WalRecoveryMetrics();
        try (SegmentPreloaderUpdater p = new SegmentPreloaderUpdater(m.segmentPreloader())) {
            SegmentReaderUpdater r = new SegmentReaderUpdater(m.segmentReader());
            ManagerUpdater g = new ManagerUpdater(m.manager());
            for (int i = 0; i < 20_000; i++) {
                long t = System.nanoTime();
                p.onFinishSegment(t, Status.OK, i, PATH, 1, null);
                r.onWaitForSegment(t, Status.OK, i);
                r.onReadSegment(t, Status.OK, i, PATH, 1, 1, i);
                if (i % 100 == 0) {
                    g.onRecover(t, new RunSummary(Status.OK, "/wal", "strict", 1, 1, 1, 1, 1, 0, "clean", null,
                            RunSummary.Position.NONE, false));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (recording != null) {
            recording.close();
        }
        if (updater.jfrErrors() != 0 || legacy.jfrErrors() != 0) {
            throw new IllegalStateException(updater.jfrErrors() + " + " + legacy.jfrErrors() + " JFR commits failed");
        }
    }

    /** The bare baseline: the two clock reads every timed operation needs. */
    @Benchmark
    public long baseline() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    /** The short overload: status only (the event, when committed, carries no context). */
    @Benchmark
    public void onPreloadSegment() {
        long start = System.nanoTime();
        updater.onPreloadSegment(start, Status.OK);
    }

    /** {@link #onPreloadSegment} before the seam (commit aad1815). */
    @Benchmark
    public void legacyOnPreloadSegment() {
        long start = System.nanoTime();
        legacy.onPreloadSegment(start, Status.OK);
    }

    /** {@link #onPreloadSegmentWithContext} before the seam (commit aad1815). */
    @Benchmark
    public void legacyOnPreloadSegmentWithContext() {
        long start = System.nanoTime();
        legacy.onPreloadSegment(start, Status.OK, segmentId++, PATH, 64L << 20, 65_000, null);
    }

    /** The overload the worker calls: id, path, bytes, records, detail (all preallocated). */
    @Benchmark
    public void onPreloadSegmentWithContext() {
        long start = System.nanoTime();
        updater.onPreloadSegment(start, Status.OK, segmentId++, PATH, 64L << 20, 65_000, null);
    }

    /**
     * Attribution: JFR's own cost of one commit as the updater makes it (span set from numbers
     * already in hand through {@link EventTiming}, {@code shouldCommit()}, the context fields,
     * {@code commit()}), with no clock read and no in-memory metric. 0 work when the event is off.
     */
    @Benchmark
    public void jfrCommitOnly() {
        PreloadSegmentEvent e = commitOnlyEvent;
        if (e.isEnabled()) {
            TIMING.spanOrBegin(e, fakeStart += 1_000, 500);
            if (e.shouldCommit()) {
                e.segmentId = segmentId++;
                e.path = PATH;
                e.bytes = 64L << 20;
                e.records = 65_000;
                e.status = "OK";
                e.detail = null;
                e.commit();
            }
        }
    }

    /**
     * For comparison, JFR as its documentation uses it: a new event, {@code begin()},
     * {@code end()} (JFR reads its own clock at both), {@code shouldCommit()}, fields, {@code commit()};
     * no in-memory metric and no {@code System.nanoTime()}.
     */
    @Benchmark
    public void jfrDocumentedUsage() {
        PreloadSegmentEvent e = new PreloadSegmentEvent();
        e.begin();
        e.end();
        if (e.shouldCommit()) {
            e.segmentId = segmentId++;
            e.path = PATH;
            e.bytes = 64L << 20;
            e.records = 65_000;
            e.status = "OK";
            e.commit();
        }
    }
}
