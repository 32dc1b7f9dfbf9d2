package io.flashstrike.wal.bench;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.SegmentPreloaderUpdater;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.jfr.PreloadSegmentEvent;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Our events beside JDK 25's own alternative, JEP 520 (JFR method timing and tracing: bytecode
 * instrumentation from a method filter, no code change), on the same small operation.
 * <ul>
 *   <li>{@code events=aggregated}: {@code jdk.MethodTiming} on {@link #timedWork} (JFR keeps count,
 *   min, average, max per method) against our updater with its event disabled (in-memory count by
 *   outcome, total, min, max, histogram);</li>
 *   <li>{@code events=perCall}: {@code jdk.MethodTrace} on {@link #tracedWork} (one event per call;
 *   stack traces off, as ours) against our updater committing one {@code PreloadSegment} per call.</li>
 * </ul>
 * {@code events=off}: no recording at all (JEP 520 times nothing; ours keeps its in-memory figures).
 * {@link #untimed} is the work alone. The recording is started here, in memory, with the method
 * filters as settings, so the JVM also starts on JDK 17 (where the settings mean nothing and the
 * JEP 520 rows time nothing: read them on 25 only). On 25 the tear-down checks that the methods
 * were really instrumented.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MethodTimingBench {
    private static final String SELF = MethodTimingBench.class.getName();
    private static final int WORK = 20;

    @Param({"off", "aggregated", "perCall"})
    public String events;

    private SegmentPreloaderUpdater updater;
    private Recording recording;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        updater = new SegmentPreloaderUpdater(new SegmentPreloader());
        if (events.equals("off")) {
            return;
        }
        Configuration base = events.equals("aggregated") ? Jfc.withDisabled(PreloadSegmentEvent.NAME) : Jfc.shipped();
        Map<String, String> settings = new HashMap<>(base.getSettings());
        if (events.equals("aggregated")) {
            settings.put("jdk.MethodTiming#enabled", "true");
            settings.put("jdk.MethodTiming#filter", SELF + "::timedWork");
            settings.put("jdk.MethodTiming#period", "endChunk");
        } else {
            settings.put("jdk.MethodTrace#enabled", "true");
            settings.put("jdk.MethodTrace#filter", SELF + "::tracedWork");
            settings.put("jdk.MethodTrace#threshold", "0 ms");
            settings.put("jdk.MethodTrace#stackTrace", "false");
        }
        recording = new Recording(settings);
        recording.setToDisk(false);
        recording.start();
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        if (recording == null) {
            updater.close();
            return;
        }
        Path file = Files.createTempFile("method-timing", ".jfr");
        try {
            recording.dump(file); // while running: an in-memory recording has nothing to dump once stopped
            recording.close();
            String measured = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            boolean instrumented = events.equals("aggregated") ? measured.equals("jep520Timing") : measured.equals("jep520Trace");
            if (Runtime.version().feature() >= 25 && instrumented) {
                String type = events.equals("aggregated") ? "jdk.MethodTiming" : "jdk.MethodTrace";
                long seen = 0;
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (e.getEventType().getName().equals(type)) {
                        seen += type.equals("jdk.MethodTiming") ? e.getLong("invocations") : 1;
                    }
                }
                if (seen == 0) {
                    throw new IllegalStateException(type + " recorded nothing: the JEP 520 rows would time uninstrumented code");
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        updater.close();
    }

    /** The work alone. */
    @Benchmark
    public void untimed() {
        work();
    }

    /** The work in the method {@code jdk.MethodTiming} times; read with {@code events=aggregated} (else it is untimed). */
    @Benchmark
    public void jep520Timing() {
        timedWork();
    }

    /** The work in the method {@code jdk.MethodTrace} traces; read with {@code events=perCall} (else it is untraced). */
    @Benchmark
    public void jep520Trace() {
        tracedWork();
    }

    /** The work timed by our updater: its event disabled ({@code aggregated}) or committed ({@code perCall}). */
    @Benchmark
    public void ours() {
        long start = System.nanoTime();
        work();
        updater.onPreloadSegment(start, Status.OK);
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public static void timedWork() {
        Blackhole.consumeCPU(WORK);
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public static void tracedWork() {
        Blackhole.consumeCPU(WORK);
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public static void work() {
        Blackhole.consumeCPU(WORK);
    }
}
