package io.flashstrike.wal.recovery.telemetry;

import java.util.Comparator;
import java.util.Objects;

/**
 * Why a recovery run stopped or was marked ({@code reason}, e.g. {@code RECORD_CRC}) and what it did
 * about it ({@code action}: failed, stopped, tolerated): the key of
 * {@code flashstrike_wal_anomalies_total{reason,action}}. Printed as {@code "REASON action"}.
 */
public record Anomaly(String reason, String action) implements Comparable<Anomaly> {
    private static final Comparator<Anomaly> ORDER = Comparator.comparing(Anomaly::reason).thenComparing(Anomaly::action);

    public Anomaly {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(action, "action");
    }

    @Override
    public int compareTo(Anomaly other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return reason + " " + action;
    }
}
