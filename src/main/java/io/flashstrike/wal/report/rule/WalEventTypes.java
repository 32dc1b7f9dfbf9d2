package io.flashstrike.wal.report.rule;

import org.openjdk.jmc.common.IMCThread;
import org.openjdk.jmc.common.item.Attribute;
import org.openjdk.jmc.common.item.IAttribute;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.item.ItemFilters;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.JfrAttributes;

/**
 * The {@code flashstrike.wal.*} event types and fields as the JMC parser sees them.
 *
 * <p>This package depends on the JMC core libraries and the JDK only (no other class of this
 * project), so that it can be packaged alone as a JDK Mission Control plug-in. The names repeat
 * the {@code @Name} values of the event classes in {@code recovery.telemetry.jfr}; a test keeps
 * them in step.
 */
public final class WalEventTypes {
    public static final String PREFIX = "flashstrike.wal.";
    public static final String PRELOAD_SEGMENT = PREFIX + "PreloadSegment";
    public static final String FINISH_SEGMENT = PREFIX + "FinishSegment";
    public static final String WAIT_FOR_SEGMENT = PREFIX + "WaitForSegment";
    public static final String READ_SEGMENT = PREFIX + "ReadSegment";
    public static final String RECOVERY = PREFIX + "Recovery";
    public static final String PRELOADER_STATISTICS = PREFIX + "SegmentPreloaderStatistics";

    /** The {@code status} value of a successful operation. */
    public static final String OK = "OK";

    public static final IAttribute<String> STATUS = Attribute.attr("status", "Status", UnitLookup.PLAIN_TEXT);
    public static final IAttribute<String> PATH = Attribute.attr("path", "Path", UnitLookup.PLAIN_TEXT);
    public static final IAttribute<String> DETAIL = Attribute.attr("detail", "Detail", UnitLookup.PLAIN_TEXT);
    /** A plain {@code long} field: JMC reads it as a raw number, not a quantity. */
    public static final IAttribute<Number> SEGMENT_ID = Attribute.attr("segmentId", "Segment Id", UnitLookup.RAW_NUMBER);
    public static final IAttribute<IQuantity> BYTES = Attribute.attr("bytes", "Bytes", UnitLookup.MEMORY);

    private WalEventTypes() {
    }

    /** @return the events of type {@code typeId} */
    public static IItemCollection ofType(IItemCollection items, String typeId) {
        return items.apply(ItemFilters.type(typeId));
    }

    /** @return the value of {@code attribute} on {@code item}, or null when its type has no such field */
    public static <T> T value(IType<IItem> type, IItem item, IAttribute<T> attribute) {
        IMemberAccessor<T, IItem> accessor = attribute.getAccessor(type);
        return accessor == null ? null : accessor.getMember(item);
    }

    /** @return the quantity in {@code unit}, or {@code fallback} when absent */
    public static long longValue(IQuantity q, org.openjdk.jmc.common.unit.IUnit unit, long fallback) {
        return q == null ? fallback : q.clampedLongValueIn(unit);
    }

    /** A key identifying the event's thread (id and name), "?" when the event has none. */
    public static String threadKey(IType<IItem> type, IItem item) {
        IMCThread t = value(type, item, JfrAttributes.EVENT_THREAD);
        return t == null ? "?" : t.getThreadId() + "/" + t.getThreadName();
    }

    /** @return the number of events in {@code items} */
    public static long count(IItemCollection items) {
        long n = 0;
        for (IItemIterable it : items) {
            n += it.getItemCount();
        }
        return n;
    }
}
