package io.flashstrike.wal.bench;

import io.flashstrike.wal.recovery.telemetry.SegmentPreloader;
import io.flashstrike.wal.recovery.telemetry.Status;
import io.flashstrike.wal.recovery.telemetry.UnpaddedSegmentPreloader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jol.vm.VM;

import java.util.concurrent.TimeUnit;

/**
 * Section 3 of docs/BENCHMARKS.md: false sharing. Two writer threads, one per metric ({@code preload_segment},
 * {@code finish_segment}), each recording at full speed, and (in the {@code *WithReader} groups)
 * one reader thread snapshotting both metrics in a loop; the padded layout ({@link SegmentPreloader},
 * the real class) against {@link UnpaddedSegmentPreloader} (the same record path without pads,
 * both metrics' hot fields adjacent). Compare the writers' throughput (ops/µs) between layouts.
 *
 * <p>This machine has 2 CPUs: the two writers run in parallel, the reader of the 3-thread groups
 * takes turns with them. The object addresses (JOL) are printed at the start and end of each trial
 * to show what shares a line: 48 bytes apart (unpadded, one 96-byte span), and for the padded
 * class either the counters array in between or, once a GC has copied them together, 304 bytes
 * (the whole padded object) with 128 bytes of pad between the two metrics' hot fields.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgsAppend = {"-Djol.magicFieldOffset=true", "-Djdk.attach.allowAttachSelf=true"})
public class FalseSharingBench {

    /** Each writer thread's own walk through the durations. */
    @State(Scope.Thread)
    public static class Cursor {
        final long[] nanos = Durations.nanos();
        int i;

        long next() {
            return nanos[i++ & Durations.MASK];
        }
    }

    @State(Scope.Group)
    public static class Padded {
        SegmentPreloader block;

        @Setup(Level.Trial)
        public void setup() {
            block = new SegmentPreloader();
            settle();
            where("padded   start", block.preloadSegment(), block.finishSegment());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            where("padded   end  ", block.preloadSegment(), block.finishSegment());
        }
    }

    @State(Scope.Group)
    public static class Unpadded {
        UnpaddedSegmentPreloader block;

        @Setup(Level.Trial)
        public void setup() {
            block = new UnpaddedSegmentPreloader();
            settle();
            where("unpadded start", block.preloadSegment(), block.finishSegment());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            where("unpadded end  ", block.preloadSegment(), block.finishSegment());
        }
    }

    /**
     * Moves the block to the old generation before timing: a full GC slides live objects in
     * address order, so the two unpadded metrics stay next to each other, and young collections
     * (the reader allocates every snapshot) no longer move them. Without this, the young GC's
     * parallel copying separated them in the middle of a trial (seen: 2.4 MB apart at its end).
     */
    static void settle() {
        System.gc();
        System.gc();
    }

    static void where(String label, Object preload, Object finish) {
        try {
            long a = VM.current().addressOf(preload);
            long b = VM.current().addressOf(finish);
            System.out.printf("%n[layout] %s: %s@%#x, %s@%#x: %d bytes apart%n", label,
                    preload.getClass().getSimpleName(), a, finish.getClass().getSimpleName(), b, b - a);
        } catch (RuntimeException | Error e) {
            System.out.println("[layout] cannot read addresses: " + e);
        }
    }

    // ---- the control: one writer alone (what two writers in parallel should double) ----

    /**
     * One writer, nobody else: two writers that really run in parallel without sharing a line
     * reach about twice this. When the padded pair reaches only about this, the two writers did
     * not get a CPU each (another process held one) and the run's false-sharing ratios say nothing.
     */
    @Benchmark
    @Group("oneWriter")
    @GroupThreads(1)
    public void oneWriter(Padded s, Cursor c) {
        s.block.preloadSegment().record(c.next(), Status.OK);
    }

    // ---- padded, two writers + one reader ----

    @Benchmark
    @Group("paddedWithReader")
    @GroupThreads(1)
    public void paddedPreload(Padded s, Cursor c) {
        s.block.preloadSegment().record(c.next(), Status.OK);
    }

    @Benchmark
    @Group("paddedWithReader")
    @GroupThreads(1)
    public void paddedFinish(Padded s, Cursor c) {
        s.block.finishSegment().record(c.next(), Status.OK);
    }

    @Benchmark
    @Group("paddedWithReader")
    @GroupThreads(1)
    public void paddedReader(Padded s, Blackhole bh) {
        bh.consume(s.block.preloadSegment().snapshot());
        bh.consume(s.block.finishSegment().snapshot());
    }

    // ---- unpadded, two writers + one reader ----

    @Benchmark
    @Group("unpaddedWithReader")
    @GroupThreads(1)
    public void unpaddedPreload(Unpadded s, Cursor c) {
        s.block.preloadSegment().record(c.next(), Status.OK);
    }

    @Benchmark
    @Group("unpaddedWithReader")
    @GroupThreads(1)
    public void unpaddedFinish(Unpadded s, Cursor c) {
        s.block.finishSegment().record(c.next(), Status.OK);
    }

    @Benchmark
    @Group("unpaddedWithReader")
    @GroupThreads(1)
    public void unpaddedReader(Unpadded s, Blackhole bh) {
        bh.consume(s.block.preloadSegment().snapshot());
        bh.consume(s.block.finishSegment().snapshot());
    }

    // ---- the same without the reader: two writers on two CPUs ----

    @Benchmark
    @Group("padded")
    @GroupThreads(1)
    public void paddedPreloadOnly(Padded s, Cursor c) {
        s.block.preloadSegment().record(c.next(), Status.OK);
    }

    @Benchmark
    @Group("padded")
    @GroupThreads(1)
    public void paddedFinishOnly(Padded s, Cursor c) {
        s.block.finishSegment().record(c.next(), Status.OK);
    }

    @Benchmark
    @Group("unpadded")
    @GroupThreads(1)
    public void unpaddedPreloadOnly(Unpadded s, Cursor c) {
        s.block.preloadSegment().record(c.next(), Status.OK);
    }

    @Benchmark
    @Group("unpadded")
    @GroupThreads(1)
    public void unpaddedFinishOnly(Unpadded s, Cursor c) {
        s.block.finishSegment().record(c.next(), Status.OK);
    }
}
