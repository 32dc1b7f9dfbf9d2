package io.flashstrike.wal.recovery.telemetry;

/**
 * BENCHMARK ONLY: {@link SegmentPreloader}'s two metrics as {@link UnpaddedOperation64}s. Both
 * objects are allocated before either counters array, so in the allocation buffer they sit next
 * to each other (48 bytes each with compressed oops): the hot scalar fields of {@code preload} and
 * {@code finish} share cache lines. A copying GC moves them in the order it finds them through
 * this holder's two adjacent fields, which keeps them together; {@code FalseSharingBench} prints
 * the distance it measured at the start and the end of each trial.
 */
public final class UnpaddedSegmentPreloader {
    private final UnpaddedOperation64 preloadSegment;
    private final UnpaddedOperation64 finishSegment;

    public UnpaddedSegmentPreloader() {
        preloadSegment = new UnpaddedOperation64();
        finishSegment = new UnpaddedOperation64();
        preloadSegment.allocateCells();
        finishSegment.allocateCells();
    }

    public UnpaddedOperation64 preloadSegment() {
        return preloadSegment;
    }

    public UnpaddedOperation64 finishSegment() {
        return finishSegment;
    }
}
