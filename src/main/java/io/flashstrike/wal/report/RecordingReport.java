package io.flashstrike.wal.report;

import org.openjdk.jmc.common.item.IAccessorKey;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.CouldNotLoadRecordingException;
import org.openjdk.jmc.flightrecorder.JfrAttributes;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figures of the {@code flashstrike.wal.*} events of a recording, read with the JDK Mission
 * Control core parser: per event type the count, failures by status, and the duration
 * distribution (exact percentiles: a report can afford to sort).
 */
public final class RecordingReport {
    /** Prefix of our event type ids. */
    public static final String EVENT_PREFIX = "flashstrike.wal.";

    private final Path file;
    private final Map<String, EventStats> byType;

    private RecordingReport(Path file, Map<String, EventStats> byType) {
        this.file = file;
        this.byType = byType;
    }

    /**
     * Loads our events from {@code file}.
     *
     * @throws IOException with a one-line message when the file is missing, empty, truncated or not a recording
     */
    public static RecordingReport load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        if (Files.size(file) == 0) {
            throw new IOException(file + ": empty file, not a JFR recording");
        }
        IItemCollection items;
        try {
            items = JfrLoaderToolkit.loadEvents(file.toFile());
        } catch (CouldNotLoadRecordingException | RuntimeException e) {
            throw new IOException(file + ": not a readable JFR recording (" + e.getMessage() + ")");
        }
        Map<String, EventStats> byType = new TreeMap<>();
        for (IItemIterable iterable : items) {
            IType<IItem> type = iterable.getType();
            if (!type.getIdentifier().startsWith(EVENT_PREFIX)) {
                continue;
            }
            EventStats stats = byType.computeIfAbsent(type.getIdentifier(), EventStats::new);
            IMemberAccessor<IQuantity, IItem> duration = JfrAttributes.DURATION.getAccessor(type);
            IMemberAccessor<?, IItem> status = accessor(type, "status");
            IMemberAccessor<?, IItem> bytes = accessor(type, "bytes");
            for (IItem item : iterable) {
                long d = duration == null ? 0 : duration.getMember(item).clampedLongValueIn(UnitLookup.NANOSECOND);
                Object st = status == null ? null : status.getMember(item);
                Object b = bytes == null ? null : bytes.getMember(item);
                stats.add(d, st == null ? null : st.toString(),
                        b instanceof IQuantity q ? q.clampedLongValueIn(UnitLookup.BYTE) : 0);
            }
        }
        return new RecordingReport(file, byType);
    }

    private static IMemberAccessor<?, IItem> accessor(IType<IItem> type, String field) {
        for (IAccessorKey<?> key : type.getAccessorKeys().keySet()) {
            if (key.getIdentifier().equals(field)) {
                return type.getAccessor(key);
            }
        }
        return null;
    }

    /** @return statistics per event type id, sorted by id */
    public Map<String, EventStats> byType() {
        return byType;
    }

    /** Prints the report as a table. */
    public void printText(PrintWriter out) {
        out.println("Report of " + file + " (JMC core parser)");
        if (byType.isEmpty()) {
            out.println("  no flashstrike.wal.* events in this recording (was it recorded with jfc/flashstrike-wal.jfc?)");
            return;
        }
        out.printf(Locale.ROOT, "  %-44s %8s %8s %10s %10s %10s %10s %10s %10s %10s%n", "event (durations in ms)",
                "count", "failures", "min", "mean", "p50", "p90", "p99", "p99.9", "max");
        for (EventStats s : byType.values()) {
            if (s.count() == 0) {
                continue;
            }
            out.printf(Locale.ROOT, "  %-44s %8d %8d %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f%n", s.type(),
                    s.count(), s.failures(), ms(s.percentile(0)), s.meanNanos() / 1e6, ms(s.percentile(50)),
                    ms(s.percentile(90)), ms(s.percentile(99)), ms(s.percentile(99.9)), ms(s.percentile(100)));
            if (!s.failuresByStatus().isEmpty()) {
                out.println("      failures by status: " + s.failuresByStatus());
            }
            boolean transfers = s.type().endsWith("PreloadSegment") || s.type().endsWith("ReadSegment");
            if (transfers && s.bytes() > 0 && s.totalNanos() > 0) {
                out.printf(Locale.ROOT, "      %d bytes, %.1f MB/s while busy%n", s.bytes(), s.bytes() / 1e6 / (s.totalNanos() / 1e9));
            }
        }
        EventStats waits = byType.get(EVENT_PREFIX + "WaitForSegment");
        if (waits != null) {
            out.printf(Locale.ROOT, "  replay blocked waiting on the preloader: %.3f ms over %d hand-overs%n",
                    waits.totalNanos() / 1e6, waits.count());
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Figures of one event type. */
    public static final class EventStats {
        private final String type;
        private long[] durations = new long[64];
        private int count;
        private long totalNanos;
        private long bytes;
        private final Map<String, Long> failuresByStatus = new TreeMap<>();
        private boolean sorted;

        EventStats(String type) {
            this.type = type;
        }

        void add(long durationNanos, String status, long bytes) {
            if (count == durations.length) {
                durations = Arrays.copyOf(durations, count * 2);
            }
            durations[count++] = durationNanos;
            totalNanos += durationNanos;
            this.bytes += bytes;
            if (status != null && !status.equals("OK")) {
                failuresByStatus.merge(status, 1L, Long::sum);
            }
            sorted = false;
        }

        public String type() {
            return type;
        }

        public long count() {
            return count;
        }

        public long failures() {
            return failuresByStatus.values().stream().mapToLong(Long::longValue).sum();
        }

        public Map<String, Long> failuresByStatus() {
            return failuresByStatus;
        }

        public long totalNanos() {
            return totalNanos;
        }

        public long bytes() {
            return bytes;
        }

        public double meanNanos() {
            return count == 0 ? 0 : (double) totalNanos / count;
        }

        /** @return the exact duration at {@code percentile} (0..100; nearest rank), 0 when empty */
        public long percentile(double percentile) {
            if (count == 0) {
                return 0;
            }
            if (!sorted) {
                Arrays.sort(durations, 0, count);
                sorted = true;
            }
            int rank = (int) Math.ceil(percentile / 100.0 * count);
            return durations[Math.max(0, Math.min(count - 1, rank - 1))];
        }

        /** @return every duration, sorted */
        public List<Long> durations() {
            percentile(0);
            List<Long> l = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                l.add(durations[i]);
            }
            return l;
        }
    }
}
