/**
 * The JDK Flight Recorder side of the telemetry: one small event class per operation, the
 * periodic statistics events, and {@link io.flashstrike.wal.recovery.telemetry.jfr.EventTiming},
 * which gives each event the operation's real span (the caller's {@code System.nanoTime()} start
 * to the {@code on...} call) without a second clock read.
 *
 * <p>Every event is in category {@code Flashstrike / WAL Recovery}, has stack traces off, and is
 * enabled by {@code jfc/flashstrike-wal.jfc}.
 */
package io.flashstrike.wal.recovery.telemetry.jfr;
