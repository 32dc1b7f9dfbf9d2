package io.flashstrike.wal.recovery;

import io.flashstrike.wal.segment.SegmentVerification;

import java.util.Locale;

/**
 * What recovery does with an anomaly in the log. The most trusted logs differ on purpose here:
 * RocksDB offers four {@code WALRecoveryMode}s, etcd repairs only a torn tail of the last file,
 * Kafka, PostgreSQL and SQLite cut at the first invalid entry. I/O errors fail in every mode.
 */
public enum RecoveryMode {
    /** Any anomaly fails recovery, a torn tail in the newest segment included. */
    STRICT,
    /**
     * The default: an incomplete or zero-filled final record of the newest segment is the clean end
     * of the log; everything else (a torn record in a sealed segment included) fails.
     */
    TOLERATE_TAIL,
    /**
     * Stops at the first inconsistency anywhere and delivers the consistent prefix: recovery
     * succeeds to that point (with a warning naming it); I/O errors still fail.
     */
    POINT_IN_TIME;

    /** @return the CLI spelling: {@code strict}, {@code tolerate-tail}, {@code point-in-time} */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the mode of a CLI spelling, case-insensitive */
    public static RecoveryMode ofCliName(String s) {
        for (RecoveryMode m : values()) {
            if (m.cliName().equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown recovery mode '" + s + "': strict, tolerate-tail or point-in-time");
    }

    /** @return {@code true} when a torn tail of the newest segment is this mode's normal end of log */
    boolean toleratesTornTail(SegmentVerification v, boolean newest) {
        return this != STRICT && newest && !v.isOk() && v.tornTail();
    }

    /** @return {@code true} when this mode stops at an inconsistency instead of failing */
    boolean stopsAtInconsistency() {
        return this == POINT_IN_TIME;
    }
}
