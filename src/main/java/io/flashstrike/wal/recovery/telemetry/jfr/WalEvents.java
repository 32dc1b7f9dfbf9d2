package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;

import java.util.List;

/**
 * Every {@code flashstrike.wal.*} event class, and the one place that registers them with JFR.
 *
 * <p>Why register eagerly: JDK-8382242. When new event metadata reaches a parser mid-stream (an
 * event class first committed after a flush), JDK 17–25's parser replaces its string-pool lookup,
 * and pooled strings of 17–127 characters (pooled from their second occurrence: statuses such as
 * {@code CHECKSUM_MISMATCH}, paths, details) read back as null for the rest of the chunk. Fixed in
 * mainline; backports to 17u/21u pending. Registering every class before any recording or stream
 * starts, and before any of our events is committed, means no metadata of ours arrives mid-stream.
 * Called by the stream, the CLI and {@code RecoveryManager}; idempotent and thread-safe.
 */
public final class WalEvents {
    /** The event classes, in no particular order. */
    public static final List<Class<? extends Event>> CLASSES = List.of(PreloadSegmentEvent.class,
            FinishSegmentEvent.class, WaitForSegmentEvent.class, ReadSegmentEvent.class, RecoveryEvent.class,
            SegmentPreloaderStatisticsEvent.class);

    private static volatile boolean registered;

    private WalEvents() {
    }

    /** Registers every class once per JVM; JFR failing to (no JFR in this runtime) is not our failure. */
    public static void register() {
        if (registered) {
            return;
        }
        synchronized (WalEvents.class) {
            if (registered) {
                return;
            }
            try {
                for (Class<? extends Event> c : CLASSES) {
                    FlightRecorder.register(c);
                }
            } catch (RuntimeException | LinkageError e) {
                // A runtime without JFR: the in-memory metrics work without it.
            }
            registered = true;
        }
    }
}
