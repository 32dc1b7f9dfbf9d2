package io.flashstrike.wal.recovery.telemetry.jfr;

import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers event classes with JFR as soon as they are described, once each.
 *
 * <p>Why register eagerly: JDK-8382242. When new event metadata reaches a parser mid-stream (an
 * event class first committed after a flush), JDK 17–25's parser replaces its string-pool lookup,
 * and pooled strings of 17–127 characters (pooled from their second occurrence: statuses such as
 * {@code CHECKSUM_MISMATCH}, paths, details) read back as null for the rest of the chunk. Fixed in
 * mainline; backports to 17u/21u pending. Every operation's event class is registered when its
 * descriptor is created ({@link EventAccess#of}), which is before any of its events is committed;
 * describe your own operations before you start a recording or a stream and none of their metadata
 * arrives mid-stream either. Idempotent and thread-safe.
 */
public final class WalEvents {
    private static final Set<Class<? extends Event>> REGISTERED = ConcurrentHashMap.newKeySet();

    private WalEvents() {
    }

    /** Registers {@code eventClass} once per JVM; JFR failing to (no JFR in this runtime) is not our failure. */
    public static void register(Class<? extends Event> eventClass) {
        if (!REGISTERED.add(eventClass)) {
            return;
        }
        try {
            FlightRecorder.register(eventClass);
        } catch (RuntimeException | LinkageError e) {
            // A runtime without JFR: the in-memory metrics work without it.
        }
    }
}
