package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.Padding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The latest operation per latency range of one {@link Operation64}: its duration, its id (a
 * segment's) and when it ended — what an exemplar of a histogram bucket says. One slot per
 * {@value #BUCKETS_PER_SLOT} of our buckets (an eighth of a power of two, at most 12.5 % wide), so
 * the slots do not depend on the bounds an exporter chooses; a bucket whose operations all share
 * a slot with a later one beyond its bound shows none.
 *
 * <h2>Threading contract</h2>
 * One writer (the operation's); {@link #record} is wait-free, allocation-free and never throws.
 * Readers ({@link #read}) never block it: each slot is a sequence lock (odd while written), a
 * slot caught mid-write is read again once and else left out of that read, so an exemplar never
 * pairs one operation's id with another's duration or time.
 *
 * <h2>Memory ordering</h2>
 * Writer: {@code setOpaque(seq odd)}, store-store fence, the three cells opaque,
 * {@code setRelease(seq even)}. Reader: {@code getAcquire(seq)}, the cells opaque, load-load
 * fence, {@code getOpaque(seq)} again. Slots in one {@code long[]}, padded at both ends.
 */
final class ExemplarSlots {
    static final int BUCKETS_PER_SLOT = 16;
    private static final int SLOT_SHIFT = 4;
    static final int SLOTS = (LogLinearBuckets.BUCKET_COUNT + BUCKETS_PER_SLOT - 1) >> SLOT_SHIFT;
    /** seq, duration, id, end (System.nanoTime()). */
    private static final int CELLS_PER_SLOT = 4;
    private static final int BASE = Padding.PAD_LONGS;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final String label;
    private final long[] cells = new long[BASE + SLOTS * CELLS_PER_SLOT + Padding.PAD_LONGS];

    /** @param label the exemplar's label name, e.g. {@code segment_id} */
    ExemplarSlots(String label) {
        this.label = label;
    }

    /**
     * Keeps one operation as its range's latest. Single writer; wait-free; no allocation.
     *
     * @param bucket       the operation's bucket ({@link LogLinearBuckets#indexOf})
     * @param id           its id, non-negative
     * @param endNanoTime  {@code System.nanoTime()} when it ended
     */
    void record(int bucket, long durationNs, long id, long endNanoTime) {
        long[] c = cells;
        int s = BASE + (bucket >> SLOT_SHIFT) * CELLS_PER_SLOT;
        long seq = c[s];
        CELL.setOpaque(c, s, seq + 1);
        VarHandle.storeStoreFence();
        CELL.setOpaque(c, s + 1, durationNs);
        CELL.setOpaque(c, s + 2, id);
        CELL.setOpaque(c, s + 3, endNanoTime);
        CELL.setRelease(c, s, seq + 2);
    }

    /** @return every slot's latest operation, the latest first; safe from any thread */
    List<LatencyExemplar> read() {
        // One reading of both clocks for the whole read: exemplar times to the millisecond.
        long epochMinusNano = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        List<LatencyExemplar> out = new ArrayList<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            int s = BASE + slot * CELLS_PER_SLOT;
            for (int attempt = 0; attempt < 2; attempt++) {
                long seq = (long) CELL.getAcquire(cells, s);
                if (seq == 0) {
                    break; // never written
                }
                long duration = (long) CELL.getOpaque(cells, s + 1);
                long id = (long) CELL.getOpaque(cells, s + 2);
                long end = (long) CELL.getOpaque(cells, s + 3);
                VarHandle.loadLoadFence();
                if ((seq & 1) == 0 && (long) CELL.getOpaque(cells, s) == seq) {
                    out.add(new LatencyExemplar(duration, label, id, Math.floorDiv(end + epochMinusNano, 1_000_000L), end));
                    break;
                }
            }
        }
        out.sort(Comparator.comparingLong(LatencyExemplar::endNanoTime).reversed());
        return List.copyOf(out);
    }
}
