package io.flashstrike.wal.recovery.telemetry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A few {@code long} counters written by one thread, padded as a group: the counters share lines
 * with each other (one writer) but with nothing else. Readers use {@link #getAcquire}.
 *
 * <p>Single writer: {@link #addRelease} and {@link #setRelease} from one thread only; two writers
 * lose updates.
 */
public final class PaddedCounters {
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells;
    private final int size;

    public PaddedCounters(int size) {
        this.size = size;
        this.cells = new long[Padding.PAD_LONGS + size + Padding.PAD_LONGS];
    }

    /** Adds {@code delta} to counter {@code i}. Writer thread only. */
    public void addRelease(int i, long delta) {
        int c = Padding.PAD_LONGS + checkIndex(i);
        CELL.setRelease(cells, c, cells[c] + delta);
    }

    /** Sets counter {@code i} (a gauge). Writer thread only. */
    public void setRelease(int i, long value) {
        CELL.setRelease(cells, Padding.PAD_LONGS + checkIndex(i), value);
    }

    /** @return counter {@code i}; any thread */
    public long getAcquire(int i) {
        return (long) CELL.getAcquire(cells, Padding.PAD_LONGS + checkIndex(i));
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }
}
