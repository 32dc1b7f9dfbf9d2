package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.internal.Padding;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout rules of the padded metrics, checked with JOL on the running JVM. A main method so
 * that {@link Operation64LayoutTest} can run it in child JVMs with other object layouts.
 */
public final class LayoutCheck {
    /** The contract: 64 bytes, a cache line. What we build: {@link Padding#PAD_BYTES}. */
    static final int CACHE_LINE = 64;

    private LayoutCheck() {
    }

    /** @return a description of every rule broken; empty when the layout is sound */
    static List<String> violations() {
        List<String> v = new ArrayList<>(classViolations(Operation64.class));
        long minHot = hotOffset(Operation64.class);
        long maxHotEnd = hotEnd(Operation64.class);
        arrayAndGraphViolations(v, minHot, maxHotEnd);
        return v;
    }

    /**
     * The class rules, for any type padded the JCTools way ({@code *Pad0 -> *Fields -> *Pad1 -> type}):
     * hot fields (those of the {@code *Fields} layer) at least {@link Padding#PAD_BYTES} from the
     * header and from the object's end, within one line; pad layers hold only pads; any other field final.
     */
    static List<String> classViolations(Class<?> type) {
        List<String> v = new ArrayList<>();
        ClassLayout layout = ClassLayout.parseClass(type);
        long minHot = Long.MAX_VALUE;
        long maxHotEnd = 0;
        for (FieldLayout f : layout.fields()) {
            String host = simpleName(f.hostClass());
            if (host.endsWith("Fields")) {
                minHot = Math.min(minHot, f.offset());
                maxHotEnd = Math.max(maxHotEnd, f.offset() + f.size());
            } else if (host.matches(".*Pad\\d")) {
                if (!f.name().matches("[pq]\\d\\d")) {
                    v.add("field " + f.name() + " was added to pad layer " + host);
                }
            } else if (!isFinal(type, host, f.name())) {
                v.add("mutable field " + host + "." + f.name() + " outside the hot layer: writes to it would share lines");
            }
        }
        int header = layout.headerSize();
        if (minHot - header < Padding.PAD_BYTES) {
            v.add("hot fields start " + (minHot - header) + " bytes after the object header, want >= " + Padding.PAD_BYTES);
        }
        if (layout.instanceSize() - maxHotEnd < Padding.PAD_BYTES) {
            v.add("hot fields end " + (layout.instanceSize() - maxHotEnd) + " bytes before the object end, want >= " + Padding.PAD_BYTES);
        }
        if (maxHotEnd - minHot > CACHE_LINE) {
            v.add("hot fields span " + (maxHotEnd - minHot) + " bytes, more than one line");
        }
        return v;
    }

    private static long hotOffset(Class<?> type) {
        return ClassLayout.parseClass(type).fields().stream().filter(f -> simpleName(f.hostClass()).endsWith("Fields"))
                .mapToLong(FieldLayout::offset).min().orElseThrow();
    }

    private static long hotEnd(Class<?> type) {
        return ClassLayout.parseClass(type).fields().stream().filter(f -> simpleName(f.hostClass()).endsWith("Fields"))
                .mapToLong(f -> f.offset() + f.size()).max().orElseThrow();
    }

    private static void arrayAndGraphViolations(List<String> v, long minHot, long maxHotEnd) {

        // The cells array: its written region must keep PAD_BYTES from its header and its end.
        long base = VM.current().arrayBaseOffset("long");
        int cells = Operation64.cells(Status.OUTCOMES);
        long firstCell = base + (long) Operation64.BUCKET_BASE * Long.BYTES;
        long arrayEnd = base + (long) cells * Long.BYTES;
        long lastCellEnd = base + (long) (cells - Padding.PAD_LONGS) * Long.BYTES;
        if (firstCell - base < Padding.PAD_BYTES || arrayEnd - lastCellEnd < Padding.PAD_BYTES) {
            v.add("cells array written region is not padded by " + Padding.PAD_BYTES + " bytes");
        }

        // The live object graph: the two metrics' hot fields are lines apart from every other object.
        SegmentPreloader block = new SegmentPreloader();
        long[] hotAddr = {
            VM.current().addressOf(block.preloadSegment()) + minHot,
            VM.current().addressOf(block.finishSegment()) + minHot,
        };
        if (Math.abs(hotAddr[0] - hotAddr[1]) < CACHE_LINE) {
            v.add("preload_segment and finish_segment hot fields are " + Math.abs(hotAddr[0] - hotAddr[1]) + " bytes apart");
        }
        GraphLayout graph = GraphLayout.parseInstance(block);
        for (long addr : graph.addresses()) {
            long end = addr + graph.record(addr).size();
            for (long hot : hotAddr) {
                boolean owner = addr <= hot && hot < end;
                if (!owner && addr < hot + (maxHotEnd - minHot) + CACHE_LINE && end > hot - CACHE_LINE) {
                    v.add(graph.record(addr).klass().getSimpleName() + " at " + addr + " is within a line of a hot field at " + hot);
                }
            }
        }
    }

    private static boolean isFinal(Class<?> type, String host, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals(host)) {
                try {
                    return Modifier.isFinal(c.getDeclaredField(name).getModifiers());
                } catch (NoSuchFieldException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static String simpleName(String className) {
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }

    /** Prints the layout and exits 1 when a rule is broken. */
    public static void main(String[] args) {
        System.out.println(ClassLayout.parseClass(Operation64.class).toPrintable());
        List<String> v = violations();
        v.forEach(s -> System.out.println("VIOLATION: " + s));
        System.out.println(v.isEmpty() ? "LAYOUT OK" : "LAYOUT BROKEN");
        System.exit(v.isEmpty() ? 0 : 1);
    }
}
