package io.flashstrike.wal.recovery.telemetry;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.ReflectionException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanConstructorInfoSupport;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.OpenMBeanOperationInfoSupport;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@link TelemetryBlock} as a read-only Open MBean: only open types (longs, doubles,
 * {@link CompositeData}), so JConsole, JMC, VisualVM, jmx_exporter and Jolokia read it with none of
 * our classes.
 *
 * <ul>
 *   <li>each operation is a {@link CompositeData} attribute named in CamelCase
 *   ({@code preload_segment} is {@code PreloadSegment}) with {@code successes}, {@code failures},
 *   {@code count}, {@code totalSeconds}, {@code minSeconds}, {@code maxSeconds},
 *   {@code meanSeconds}, {@code p50Seconds}, {@code p99Seconds}, {@code p999Seconds} and
 *   {@code status_<CONSTANT>} per outcome constant (the {@code status} label of /metrics);</li>
 *   <li>each unlabelled counter or gauge the block collects beside its operations (the manager's
 *   {@code last_valid_lsn}, every block's {@code jfr_errors_total}) is a simple attribute named in
 *   CamelCase without the prefix and {@code _total} ({@code LastValidLsn}, {@code JfrErrors}),
 *   described by its help text.</li>
 * </ul>
 * The second list is found through the collector seam, not written down per block: a block is
 * collected once into a capturing collector, and what is left after its operations' own families
 * (those an {@link Operation64} emits) are the extras. Labelled families (the anomalies counter) are
 * not attributes: their label sets come and go, and an MBean's attributes are fixed.
 *
 * <p>Thread-safe: every read takes the block's figures live (the blocks are wait-free to read).
 */
final class BlockOpenMBean implements DynamicMBean {
    /** Any prefix: the extras' names are matched without it. */
    private static final String PREFIX = "m";
    private static final String[] FIXED_ITEMS = {"successes", "failures", "count", "totalSeconds", "minSeconds",
            "maxSeconds", "meanSeconds", "p50Seconds", "p99Seconds", "p999Seconds"};
    private static final String[] FIXED_DESCRIPTIONS = {"Operations that ended with a success outcome",
            "Operations that ended with any other outcome", "Operations completed", "Time spent in all of them, in seconds",
            "Shortest, in seconds (0 when none)", "Longest, in seconds", "Mean, in seconds", "Median, in seconds",
            "99th percentile, in seconds", "99.9th percentile, in seconds"};
    /** Prometheus base units that are fractional; any other extra is a count and read as a long. */
    private static final List<String> FRACTIONAL_UNITS = List.of("_seconds", "_ratio");

    private final TelemetryBlock block;
    private final MBeanInfo info;
    /** Attribute name to operation, in the block's order. */
    private final Map<String, TimedOperation<?, ?>> operations = new LinkedHashMap<>();
    private final Map<String, CompositeType> compositeTypes = new HashMap<>();
    /** Attribute name to the collected family's full name (with {@link #PREFIX}). */
    private final Map<String, String> extras = new LinkedHashMap<>();
    private final Set<String> fractional = new HashSet<>();

    BlockOpenMBean(TelemetryBlock block) {
        this.block = block;
        List<OpenMBeanAttributeInfoSupport> attributes = new ArrayList<>();
        Set<String> operationFamilies = new HashSet<>();
        for (TimedOperation<?, ?> op : block.operations()) {
            String name = camelCase(op.type().name());
            CompositeType type = compositeType(op);
            operations.put(name, op);
            compositeTypes.put(name, type);
            attributes.add(new OpenMBeanAttributeInfoSupport(name, op.type().label() + ": count, outcomes and duration since start",
                    type, true, false, false));
            // what the operation emits itself, so that only the block's own families are left below
            Capture names = new Capture();
            op.distribution().collect(PREFIX + "_" + op.type().name(), names);
            operationFamilies.addAll(names.help.keySet());
        }
        Capture all = new Capture();
        block.collect(PREFIX, all);
        for (Map.Entry<String, String> e : all.help.entrySet()) {
            String family = e.getKey();
            if (operationFamilies.contains(family) || all.labelled.contains(family)) {
                continue;
            }
            String name = camelCase(family.substring(PREFIX.length() + 1).replaceFirst("_total$", ""));
            if (operations.containsKey(name) || extras.containsKey(name)) {
                continue; // an attribute of that name exists: the first keeps it
            }
            boolean isFractional = FRACTIONAL_UNITS.stream().anyMatch(u -> family.contains(u + "_") || family.endsWith(u));
            if (isFractional) {
                fractional.add(name);
            }
            extras.put(name, family);
            attributes.add(new OpenMBeanAttributeInfoSupport(name, e.getValue(), isFractional ? SimpleType.DOUBLE : SimpleType.LONG,
                    true, false, false));
        }
        info = new OpenMBeanInfoSupport(BlockOpenMBean.class.getName(),
                "Telemetry block " + block.subsystem() + " of the Flashstrike WAL telemetry: its operations and counters, live",
                attributes.toArray(new OpenMBeanAttributeInfoSupport[0]), new OpenMBeanConstructorInfoSupport[0],
                new OpenMBeanOperationInfoSupport[0], new MBeanNotificationInfo[0]);
    }

    /** {@code preload_segment} to {@code PreloadSegment}. */
    static String camelCase(String snake) {
        StringBuilder b = new StringBuilder(snake.length());
        boolean upper = true;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    private static CompositeType compositeType(TimedOperation<?, ?> op) {
        List<String> names = new ArrayList<>(List.of(FIXED_ITEMS));
        List<String> descriptions = new ArrayList<>(List.of(FIXED_DESCRIPTIONS));
        List<OpenType<?>> types = new ArrayList<>();
        for (String item : FIXED_ITEMS) {
            types.add(item.endsWith("Seconds") ? SimpleType.DOUBLE : SimpleType.LONG);
        }
        for (Enum<?> outcome : op.type().outcomes().constants()) {
            names.add("status_" + outcome.name());
            descriptions.add("Operations that ended with status " + outcome.name()
                    + (op.type().outcomes().isSuccess(outcome.ordinal()) ? " (a success)" : " (a failure)"));
            types.add(SimpleType.LONG);
        }
        try {
            return new CompositeType("io.flashstrike.wal.Operation." + op.type().name(),
                    op.type().label() + ": operations by outcome and their duration in seconds, since start",
                    names.toArray(new String[0]), descriptions.toArray(new String[0]), types.toArray(new OpenType<?>[0]));
        } catch (OpenDataException e) {
            throw new IllegalStateException("open type of operation " + op.type().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        TimedOperation<?, ?> op = operations.get(attribute);
        if (op != null) {
            return composite(attribute, op);
        }
        if (extras.containsKey(attribute)) {
            return extra(attribute, collectExtras());
        }
        throw new AttributeNotFoundException("no attribute " + attribute + " in " + block.subsystem());
    }

    /** One collection of the block for every extra asked: a scrape (jmx_exporter) asks for all at once. */
    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        Map<String, Double> values = null;
        for (String a : attributes) {
            TimedOperation<?, ?> op = operations.get(a);
            if (op != null) {
                list.add(new Attribute(a, composite(a, op)));
            } else if (extras.containsKey(a)) {
                if (values == null) {
                    values = collectExtras();
                }
                list.add(new Attribute(a, extra(a, values)));
            }
        }
        return list;
    }

    private Map<String, Double> collectExtras() {
        Capture c = new Capture();
        block.collect(PREFIX, c);
        return c.values;
    }

    private Object extra(String attribute, Map<String, Double> values) {
        double v = values.getOrDefault(extras.get(attribute), 0.0);
        return fractional.contains(attribute) ? (Object) v : (Object) (long) v;
    }

    private CompositeData composite(String attribute, TimedOperation<?, ?> op) {
        Operation64.Snapshot s = op.distribution().snapshot();
        Map<String, Object> items = new LinkedHashMap<>();
        items.put("successes", s.successes());
        items.put("failures", s.failures());
        items.put("count", s.count());
        items.put("totalSeconds", s.totalNanos() / 1e9);
        items.put("minSeconds", s.minNanos() / 1e9);
        items.put("maxSeconds", s.maxNanos() / 1e9);
        items.put("meanSeconds", s.meanNanos() / 1e9);
        items.put("p50Seconds", s.percentileNanos(50) / 1e9);
        items.put("p99Seconds", s.percentileNanos(99) / 1e9);
        items.put("p999Seconds", s.percentileNanos(99.9) / 1e9);
        for (Enum<?> outcome : op.type().outcomes().constants()) {
            items.put("status_" + outcome.name(), s.count(outcome));
        }
        try {
            return new CompositeDataSupport(compositeTypes.get(attribute), items);
        } catch (OpenDataException e) {
            throw new IllegalStateException("composite of " + attribute + ": " + e.getMessage(), e); // the type is ours: a bug
        }
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only: telemetry is written by its operations only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList(); // none set: every attribute is read-only
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "telemetry blocks have no operations to invoke");
    }

    /** The block's unlabelled counters and gauges by full name, with their help; which families were labelled. */
    private static final class Capture implements MetricsCollector {
        final Map<String, String> help = new LinkedHashMap<>();
        final Map<String, Double> values = new HashMap<>();
        final Set<String> labelled = new HashSet<>();
        private final Deque<String> labels = new ArrayDeque<>();

        @Override
        public void pushLabel(String name, String value) {
            labels.push(name);
        }

        @Override
        public void popLabel() {
            labels.pop();
        }

        @Override
        public void counter(String name, String help, double value) {
            sample(name, help, value);
        }

        @Override
        public void gauge(String name, String help, double value) {
            sample(name, help, value);
        }

        @Override
        public void histogram(String name, String help, LatencyDistribution latency, double sumSeconds) {
            labelled.add(name); // a distribution is its operation's composite, never a simple attribute
            this.help.putIfAbsent(name, help);
        }

        /** Only the block's own {@code subsystem} label pushed: an unlabelled family of the block. */
        private void sample(String name, String help, double value) {
            this.help.putIfAbsent(name, help);
            if (labels.size() > 1) {
                labelled.add(name);
            } else {
                values.put(name, value);
            }
        }
    }
}
