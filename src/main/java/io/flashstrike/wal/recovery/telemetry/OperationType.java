package io.flashstrike.wal.recovery.telemetry;

import io.flashstrike.wal.recovery.telemetry.jfr.EventAccess;
import jdk.jfr.Event;
import jdk.jfr.Label;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One timed operation, described once: its metric name, its JFR event class, its outcomes and
 * the label of its dump line. Everything else is driven from this description: the event class
 * is registered with JFR when the description is made, blocks expose and dump it, the stream
 * folds its events back by their name, the report lists it.
 *
 * <h2>Recording (the seam)</h2>
 * Keep each description in a {@code static final} field and record through it:
 * <pre>{@code
 * static final OperationType<FetchEvent, Outcome> FETCH =
 *         OperationType.of("fetch", FetchEvent.class, OutcomeType.of(Outcome.class, Outcome.ERROR, Outcome.OK));
 *
 * long start = System.nanoTime();
 * Outcome outcome = fetch(url);
 * FetchEvent e = FETCH.end(fetchOp, start);   // null unless a recording takes this event
 * if (e != null) {
 *     e.url = url;                              // the event's own fields; status is set for you
 * }
 * FETCH.complete(fetchOp, e, outcome);          // commits the event, then counts the operation
 * }</pre>
 * Why through the description and not the {@link TimedOperation}: a record's final fields are
 * constants to the JIT only when the record is reached from a constant, so from a
 * {@code static final} the event's JFR calls and span stores inline as on a known event class
 * (about 6 ns per committed event less than through an instance field, docs/BENCHMARKS.md).
 *
 * <p>The order is the seam's, not the caller's: the event is committed before the operation is
 * counted, so whoever sees the count (a statistics snapshot, a scrape) finds the event committed
 * and a stream never sees a total ahead of the events it folds.
 *
 * @param name      the metric name under the prefix, e.g. {@code preload_segment}: lower case, digits, {@code _}
 * @param label     the dump line's label, e.g. {@code Preload segment}
 * @param outcomes  what an operation can end with
 * @param access    the event class's handles
 * @param exemplarField the event's {@code long} field that identifies an operation (e.g.
 *                  {@code segmentId}), kept with the latest operation of each latency range and
 *                  served as its bucket's exemplar labelled in snake case ({@code segment_id});
 *                  null: no exemplars
 * @param <E>       the event class
 * @param <O>       the outcome enum
 */
public record OperationType<E extends Event, O extends Enum<O>>(String name, String label, OutcomeType<O> outcomes,
                                                                 EventAccess<E> access, String exemplarField) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern FIELD = Pattern.compile("[a-z][A-Za-z0-9]*");

    /** An operation without exemplars. */
    public OperationType(String name, String label, OutcomeType<O> outcomes, EventAccess<E> access) {
        this(name, label, outcomes, access, null);
    }

    public OperationType {
        Objects.requireNonNull(outcomes, "outcomes");
        Objects.requireNonNull(access, "access");
        if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
            throw new IllegalArgumentException("operation name '" + name + "': lower case letters, digits and _ only,"
                    + " starting with a letter (it becomes part of a Prometheus metric name)");
        }
        if (exemplarField != null && !FIELD.matcher(exemplarField).matches()) {
            throw new IllegalArgumentException("exemplar field '" + exemplarField + "' of " + name
                    + ": a Java field name in camel case, e.g. segmentId");
        }
    }

    /**
     * Describes an operation; its dump label is the event's {@link Label} in sentence case
     * ({@code Preload Segment} becomes {@code Preload segment}). Registers {@code eventClass} with JFR.
     */
    public static <E extends Event, O extends Enum<O>> OperationType<E, O> of(String name, Class<E> eventClass,
                                                                              OutcomeType<O> outcomes) {
        Label label = eventClass.getAnnotation(Label.class);
        String text = label == null ? name.replace('_', ' ') : label.value();
        return new OperationType<>(name, sentenceCase(text), outcomes, EventAccess.of(eventClass));
    }

    /** @return this description with another dump label */
    public OperationType<E, O> labelled(String dumpLabel) {
        return new OperationType<>(name, dumpLabel, outcomes, access, exemplarField);
    }

    /**
     * @param eventField the event's {@code long} field that identifies an operation (its value is
     *                   passed to {@link #complete(TimedOperation, Event, Enum, long)})
     * @return this description keeping exemplars identified by that field
     */
    public OperationType<E, O> withExemplar(String eventField) {
        try {
            if (access.eventClass().getField(eventField).getType() != long.class) {
                throw new IllegalArgumentException("exemplar field " + eventField + " of " + access.eventName() + " is not a long");
            }
        } catch (NoSuchFieldException e) {
            throw new IllegalArgumentException(access.eventName() + " has no public field " + eventField + " for exemplars", e);
        }
        return new OperationType<>(name, label, outcomes, access, eventField);
    }

    /** @return the exemplar's label name, the exemplar field in snake case; null without exemplars */
    public String exemplarLabel() {
        return exemplarField == null ? null : exemplarField.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    /** @return the event type's name as recordings carry it */
    public String eventName() {
        return access.eventName();
    }

    /**
     * The operation that started at {@code startNs} ({@code System.nanoTime()}) ended now. Single
     * writer of {@code op}; never throws.
     *
     * @return {@code op}'s reused event with the operation's span set, when a recording will take
     *         it: fill its fields, then {@link #complete}. Otherwise null.
     */
    public E end(TimedOperation<E, O> op, long startNs) {
        long now = System.nanoTime();
        long durationNs = now - startNs;
        op.pendingNanos = durationNs;
        op.pendingEndNanoTime = now;
        E e = op.event;
        if (!access.isEnabled(e)) {
            return null;
        }
        try {
            access.timing().spanOrBegin(e, startNs, durationNs);
            return access.shouldCommit(e) ? e : null;
        } catch (RuntimeException | Error ex) {
            op.jfrError(); // JFR must never fail the operation; it is counted regardless
            return null;
        }
    }

    /**
     * Commits {@code event} (when not null), its {@code status} field set to {@code outcome}'s
     * name, then counts the operation {@link #end} timed. Single writer; never throws.
     */
    public void complete(TimedOperation<E, O> op, E event, O outcome) {
        commit(op, event, outcome);
        count(op, outcome);
    }

    /**
     * {@link #complete(TimedOperation, Event, Enum)} for an operation identified by {@code id}
     * (the value of its {@link #exemplarField}, -1 for none): kept as its latency range's exemplar.
     */
    public void complete(TimedOperation<E, O> op, E event, O outcome, long id) {
        commit(op, event, outcome);
        count(op, outcome, id);
    }

    /**
     * {@link #complete}'s first half, for an operation that updates figures of its own between the
     * commit and the count (so that whoever sees the count sees them too): commits {@code event}
     * when not null. Then call {@link #count}. Single writer; never throws.
     */
    public void commit(TimedOperation<E, O> op, E event, O outcome) {
        if (event != null) {
            try {
                access.commit(event, outcome, outcomes.unknown().name());
            } catch (RuntimeException | Error ex) {
                op.jfrError();
            }
        }
    }

    /** {@link #complete}'s second half: counts the operation {@link #end} timed. */
    public void count(TimedOperation<E, O> op, O outcome) {
        op.distribution().record(op.pendingNanos, outcome);
    }

    /** {@link #count(TimedOperation, Enum)} of an operation identified by {@code id} (-1: none). */
    public void count(TimedOperation<E, O> op, O outcome, long id) {
        op.distribution().record(op.pendingNanos, outcome, id, op.pendingEndNanoTime);
    }

    /** {@link #end} and {@link #complete} for an event with no fields but its outcome. */
    public void record(TimedOperation<E, O> op, long startNs, O outcome) {
        complete(op, end(op, startNs), outcome);
    }

    private static String sentenceCase(String label) {
        return label.isEmpty() ? label : label.charAt(0) + label.substring(1).toLowerCase(Locale.ROOT);
    }
}
