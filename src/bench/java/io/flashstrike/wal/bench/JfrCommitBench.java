package io.flashstrike.wal.bench;

import io.flashstrike.wal.recovery.telemetry.jfr.EventTiming;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Attribution of JFR's own cost of one committed {@code PreloadSegment} event, as the updater
 * commits it (span from {@link EventTiming}, no clock read), by what the event carries: no string,
 * the 2-character status, the status and a 48-character path. A recording with the shipped
 * {@code .jfc} runs (in memory) for the whole trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrCommitBench {
    private static final EventTiming TIMING = EventTiming.of(PreloadSegmentEvent.class);
    private static final String PATH = "/var/lib/flashstrike/wal/00000000000000000007.wal";

    private final PreloadSegmentEvent event = new PreloadSegmentEvent();
    private Recording recording;
    private long start = System.nanoTime();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        recording = new Recording(Jfc.shipped());
        recording.setToDisk(false);
        recording.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        recording.close();
    }

    private void commit(String status, String path) {
        PreloadSegmentEvent e = event;
        if (e.isEnabled()) {
            TIMING.spanOrBegin(e, start += 1_000, 500);
            if (e.shouldCommit()) {
                e.segmentId = 7;
                e.bytes = 64L << 20;
                e.records = 65_000;
                e.status = status;
                e.path = path;
                e.commit();
            }
        }
    }

    /** Longs only (start, duration, thread, id, bytes, records); the strings null. */
    @Benchmark
    public void noStrings() {
        commit(null, null);
    }

    /** + the status, "OK" (what {@code onPreloadSegment(start, status)} commits). */
    @Benchmark
    public void status() {
        commit("OK", null);
    }

    /** + the status and the segment's path (what the worker's overload commits on success). */
    @Benchmark
    public void statusAndPath() {
        commit("OK", PATH);
    }
}
