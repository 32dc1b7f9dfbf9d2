package io.flashstrike.wal.testsupport;

import org.openjdk.jmc.common.IMCThread;
import org.openjdk.jmc.common.item.IAccessorKey;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.item.ItemFilters;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads events of one type with the JMC core parser, as plain maps (field id to value). */
public final class JmcEvents {
    private JmcEvents() {
    }

    /**
     * @return events sorted by start time; timespans in ns, timestamps in epoch ns, data amounts in
     * bytes, numbers as long, threads by name, strings as is
     */
    public static List<Map<String, Object>> read(Path recording, String typeId) throws Exception {
        IItemCollection items = JfrLoaderToolkit.loadEvents(recording.toFile()).apply(ItemFilters.type(typeId));
        List<Map<String, Object>> out = new ArrayList<>();
        for (IItemIterable iterable : items) {
            IType<IItem> type = iterable.getType();
            for (IItem item : iterable) {
                Map<String, Object> fields = new LinkedHashMap<>();
                for (IAccessorKey<?> key : type.getAccessorKeys().keySet()) {
                    IMemberAccessor<?, IItem> accessor = type.getAccessor(key);
                    fields.put(key.getIdentifier(), plain(accessor.getMember(item)));
                }
                out.add(fields);
            }
        }
        out.sort(Comparator.comparingLong(m -> (Long) m.get("startTime")));
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof IQuantity q) {
            var ct = q.getUnit().getContentType();
            if (ct == UnitLookup.TIMESPAN) {
                return q.clampedLongValueIn(UnitLookup.NANOSECOND);
            }
            if (ct == UnitLookup.TIMESTAMP) {
                return q.clampedLongValueIn(UnitLookup.EPOCH_NS);
            }
            if (ct == UnitLookup.MEMORY) {
                return q.clampedLongValueIn(UnitLookup.BYTE);
            }
            return q.longValue();
        }
        if (v instanceof IMCThread t) {
            return t.getThreadName();
        }
        return v;
    }
}
