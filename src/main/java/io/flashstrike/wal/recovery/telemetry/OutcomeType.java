package io.flashstrike.wal.recovery.telemetry;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The outcomes of a timed operation: any enum, with which constants count as successes and which
 * one stands for "the caller gave none" (so a null is counted, never lost). The WAL's own is
 * {@link Status#OUTCOMES}; an operation of yours brings its own enum.
 *
 * <p>The constant names are what every output carries: the {@code status} label, the event's
 * {@code status} field, the report. Add constants at the end: ordinals index counter arrays.
 *
 * @param <O> the outcome enum
 */
public final class OutcomeType<O extends Enum<O>> {
    private final Class<O> type;
    private final List<O> constants;
    private final boolean[] success;
    private final O unknown;

    private OutcomeType(Class<O> type, O unknown, List<O> successes) {
        this.type = Objects.requireNonNull(type, "type");
        this.constants = List.of(type.getEnumConstants());
        this.unknown = Objects.requireNonNull(unknown, "unknown");
        this.success = new boolean[constants.size()];
        for (O s : successes) {
            success[s.ordinal()] = true;
        }
        if (successes.contains(unknown)) {
            throw new IllegalArgumentException(unknown + " cannot be both the unknown outcome and a success");
        }
    }

    /**
     * @param type      the enum
     * @param unknown   what a null outcome (or a name this enum does not have, read back from an event) counts as
     * @param successes the constants that count as {@code outcome="success"}; every other is a failure
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, into a list of its own
    public static <O extends Enum<O>> OutcomeType<O> of(Class<O> type, O unknown, O... successes) {
        return new OutcomeType<>(type, unknown, Arrays.asList(successes));
    }

    public Class<O> type() {
        return type;
    }

    /** @return the constants in ordinal order */
    public List<O> constants() {
        return constants;
    }

    /** @return how many constants: the size of a per-outcome counter array */
    public int count() {
        return constants.size();
    }

    public O unknown() {
        return unknown;
    }

    /** @return the first success constant: what an event without a {@code status} field folds as */
    public O firstSuccess() {
        for (O o : constants) {
            if (success[o.ordinal()]) {
                return o;
            }
        }
        return unknown;
    }

    /** @return {@code true} when the constant with this ordinal counts as a success */
    public boolean isSuccess(int ordinal) {
        return success[ordinal];
    }

    /**
     * The cell an outcome is counted in: its ordinal, or {@link #unknown()}'s for null or for a
     * constant of another enum. No allocation; never throws (the hot path's guarantee).
     */
    int indexOf(Enum<?> outcome) {
        if (outcome == null || outcome.getDeclaringClass() != type) {
            return unknown.ordinal();
        }
        return outcome.ordinal();
    }

    /** @return the constant named {@code name}, {@link #unknown()} for null or a name this enum lacks */
    public O parse(String name) {
        if (name != null) {
            for (O o : constants) {
                if (o.name().equals(name)) {
                    return o;
                }
            }
        }
        return unknown;
    }

    @Override
    public String toString() {
        return "OutcomeType[" + type.getName() + "]";
    }
}
