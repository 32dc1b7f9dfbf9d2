package io.flashstrike.wal.report.rule;

import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.JfrAttributes;

import java.util.HashMap;
import java.util.Map;

/**
 * How long the replay thread was blocked waiting on the preloader, from the
 * {@code WaitForSegment} and {@code ReadSegment} events of a recording.
 *
 * <p>The first wait of each replay thread is <em>pipeline fill</em>: replay starts before any
 * segment can be ready, so it always waits for the first preload, however fast the preloader is.
 * Every later wait means the preloader had fallen behind: that is the {@link #stalledNanos()}
 * figure, and {@link #stalledShare()} relates it to the replay thread's busy time (reading
 * segments plus stalled).
 *
 * @param waits        number of {@code WaitForSegment} events
 * @param totalNanos   all waits, fill included
 * @param fillNanos    the first wait of each replay thread
 * @param stalledNanos the other waits: replay blocked because the preloader fell behind
 * @param readNanos    time the replay thread spent reading segments ({@code ReadSegment})
 * @param reads        number of {@code ReadSegment} events
 */
public record ReplayWait(long waits, long totalNanos, long fillNanos, long stalledNanos, long readNanos, long reads) {

    /** @return the figures of {@code items} (any collection; other event types are ignored) */
    public static ReplayWait of(IItemCollection items) {
        Map<String, long[]> firstByThread = new HashMap<>(); // {start ns, duration ns}
        long waits = 0;
        long total = 0;
        for (IItemIterable it : WalEventTypes.ofType(items, WalEventTypes.WAIT_FOR_SEGMENT)) {
            IType<IItem> type = it.getType();
            for (IItem item : it) {
                long d = nanos(WalEventTypes.value(type, item, JfrAttributes.DURATION));
                long start = WalEventTypes.longValue(WalEventTypes.value(type, item, JfrAttributes.START_TIME),
                        UnitLookup.EPOCH_NS, 0);
                waits++;
                total += d;
                firstByThread.merge(WalEventTypes.threadKey(type, item), new long[] {start, d},
                        (a, b) -> a[0] <= b[0] ? a : b);
            }
        }
        long fill = 0;
        for (long[] first : firstByThread.values()) {
            fill += first[1];
        }
        long read = 0;
        long reads = 0;
        for (IItemIterable it : WalEventTypes.ofType(items, WalEventTypes.READ_SEGMENT)) {
            IType<IItem> type = it.getType();
            for (IItem item : it) {
                read += nanos(WalEventTypes.value(type, item, JfrAttributes.DURATION));
                reads++;
            }
        }
        return new ReplayWait(waits, total, fill, total - fill, read, reads);
    }

    /** @return stalled time over the replay thread's busy time (reading + stalled), 0..1; 0 when idle */
    public double stalledShare() {
        long busy = readNanos + stalledNanos;
        return busy == 0 ? 0.0 : (double) stalledNanos / busy;
    }

    /** @return whether the recording has replay events at all */
    public boolean hasReplay() {
        return waits > 0 || reads > 0;
    }

    private static long nanos(IQuantity q) {
        return WalEventTypes.longValue(q, UnitLookup.NANOSECOND, 0);
    }
}
