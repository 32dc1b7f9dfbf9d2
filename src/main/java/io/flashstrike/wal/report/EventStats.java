package io.flashstrike.wal.report;

import io.flashstrike.wal.recovery.telemetry.LatencyDistribution;
import io.flashstrike.wal.report.rule.WalEventTypes;
import org.openjdk.jmc.common.item.Aggregators;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.item.ItemFilters;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.JfrAttributes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Figures of one {@code flashstrike.wal.*} event type. Count, total, min, max and mean come from
 * the JMC parser's {@code IItemCollection} aggregators, failures from a count per distinct
 * status; the percentiles from the same log-linear buckets as the live metrics
 * ({@link LatencyDistribution}: at most 0.79 % above the exact value, never below it).
 */
public final class EventStats {
    /** The percentiles every output reports, in percent. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private final String type;
    private final String label;
    private final long count;
    private final long totalNanos;
    private final long minNanos;
    private final long maxNanos;
    private final double meanNanos;
    private final long bytes;
    private final boolean hasBytes;
    private final Map<String, Long> failuresByStatus;
    private final LatencyDistribution distribution;
    private final List<Operation> operations;

    private EventStats(String type, String label, IItemCollection items) {
        this.type = type;
        this.label = label;
        this.count = items.getAggregate(Aggregators.count()).longValue();
        this.totalNanos = nanos(items.getAggregate(Aggregators.sum(JfrAttributes.DURATION)));
        this.minNanos = nanos(items.getAggregate(Aggregators.min(JfrAttributes.DURATION)));
        this.maxNanos = nanos(items.getAggregate(Aggregators.max(JfrAttributes.DURATION)));
        IQuantity avg = items.getAggregate(Aggregators.avg(JfrAttributes.DURATION));
        this.meanNanos = avg == null ? 0 : avg.doubleValueIn(UnitLookup.NANOSECOND);
        IQuantity b = items.getAggregate(Aggregators.sum(WalEventTypes.BYTES));
        this.hasBytes = b != null;
        this.bytes = b == null ? 0 : b.clampedLongValueIn(UnitLookup.BYTE);
        this.failuresByStatus = failuresByStatus(items);
        LatencyDistribution.Builder histogram = LatencyDistribution.builder();
        List<Operation> ops = new ArrayList<>();
        for (IItemIterable it : items) {
            IType<IItem> t = it.getType();
            for (IItem item : it) {
                Operation op = operation(t, item);
                histogram.add(op.durationNanos());
                ops.add(op);
            }
        }
        ops.sort(Comparator.comparingLong(Operation::startEpochNanos));
        this.operations = Collections.unmodifiableList(ops);
        this.distribution = histogram.build();
    }

    /** @return the figures of the events of {@code items} whose type id is {@code type} */
    static EventStats of(String type, String label, IItemCollection all) {
        return new EventStats(type, label, all.apply(ItemFilters.type(type)));
    }

    private static Map<String, Long> failuresByStatus(IItemCollection items) {
        Map<String, Long> failures = new TreeMap<>();
        Set<String> statuses = items.getAggregate(Aggregators.distinct(WalEventTypes.STATUS));
        if (statuses != null) {
            for (String s : statuses) {
                if (s != null && !s.equals(WalEventTypes.OK)) {
                    failures.put(s, items.getAggregate(Aggregators.count(ItemFilters.equals(WalEventTypes.STATUS, s))).longValue());
                }
            }
        }
        return Collections.unmodifiableMap(failures);
    }

    private Operation operation(IType<IItem> t, IItem item) {
        Number id = WalEventTypes.value(t, item, WalEventTypes.SEGMENT_ID);
        IQuantity b = WalEventTypes.value(t, item, WalEventTypes.BYTES);
        return new Operation(type,
                WalEventTypes.longValue(WalEventTypes.value(t, item, JfrAttributes.START_TIME), UnitLookup.EPOCH_NS, 0),
                nanos(WalEventTypes.value(t, item, JfrAttributes.DURATION)),
                id == null ? -1 : id.longValue(),
                WalEventTypes.value(t, item, WalEventTypes.PATH),
                WalEventTypes.value(t, item, WalEventTypes.STATUS),
                b == null ? 0 : b.clampedLongValueIn(UnitLookup.BYTE));
    }

    private static long nanos(IQuantity q) {
        return q == null ? 0 : q.clampedLongValueIn(UnitLookup.NANOSECOND);
    }

    /** @return the event type id, e.g. {@code flashstrike.wal.PreloadSegment} */
    public String type() {
        return type;
    }

    /** @return the event type's label, e.g. {@code Preload Segment} */
    public String label() {
        return label;
    }

    public long count() {
        return count;
    }

    /** @return events whose status is not {@code OK} */
    public long failures() {
        return failuresByStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return failure count per status other than {@code OK}, sorted by status */
    public Map<String, Long> failuresByStatus() {
        return failuresByStatus;
    }

    /** @return the sum of all durations */
    public long totalNanos() {
        return totalNanos;
    }

    public long minNanos() {
        return minNanos;
    }

    public long maxNanos() {
        return maxNanos;
    }

    public double meanNanos() {
        return meanNanos;
    }

    /**
     * @param percentile in [0, 100]; 0 is the minimum and 100 the maximum, exactly
     * @return the duration at that percentile, at most 0.79 % above the exact nearest-rank value
     */
    public long percentileNanos(double percentile) {
        if (percentile <= 0) {
            return minNanos;
        }
        return percentile >= 100 ? maxNanos
                : count == 0 ? 0 : Math.max(minNanos, Math.min(maxNanos, distribution.percentileNanos(percentile)));
    }

    /** @return whether events of this type have a span (periodic statistics events do not) */
    public boolean hasDuration() {
        return maxNanos > 0;
    }

    /** @return whether the type has a {@code bytes} field */
    public boolean hasBytes() {
        return hasBytes;
    }

    /**
     * @return whether the type moves data, so that bytes per second means something: preloads
     * (mapped and verified), reads (delivered to the consumer) and whole recoveries
     */
    public boolean isTransfer() {
        return hasBytes && (type.equals(WalEventTypes.PRELOAD_SEGMENT) || type.equals(WalEventTypes.READ_SEGMENT)
                || type.equals(WalEventTypes.RECOVERY));
    }

    /** @return the sum of the {@code bytes} field, 0 when the type has none */
    public long bytes() {
        return bytes;
    }

    /** @return MB (10^6 bytes) per second of operation time: the rate while busy; 0 when unknown */
    public double busyMegabytesPerSecond() {
        return totalNanos == 0 ? 0 : bytes / 1e6 / (totalNanos / 1e9);
    }

    /** @return MB per second from the first operation's start to the last one's end; 0 when unknown */
    public double wallMegabytesPerSecond() {
        long span = spanNanos();
        return span <= 0 ? 0 : bytes / 1e6 / (span / 1e9);
    }

    /** @return nanoseconds from the first event's start to the last event's end */
    public long spanNanos() {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Operation op : operations) {
            first = Math.min(first, op.startEpochNanos());
            last = Math.max(last, op.startEpochNanos() + op.durationNanos());
        }
        return operations.isEmpty() ? 0 : last - first;
    }

    /** @return every event, in start order */
    public List<Operation> operations() {
        return operations;
    }

    /** @return the {@code n} longest events, longest first (ties: earlier first) */
    public List<Operation> slowest(int n) {
        return operations.stream()
                .sorted(Comparator.comparingLong(Operation::durationNanos).reversed()
                        .thenComparingLong(Operation::startEpochNanos))
                .limit(Math.max(0, n)).toList();
    }

    /** @return every duration, sorted ascending */
    public long[] sortedDurations() {
        return operations.stream().mapToLong(Operation::durationNanos).sorted().toArray();
    }
}
