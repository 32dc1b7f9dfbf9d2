/**
 * Padding layers that keep each hot metric alone on its cache lines.
 *
 * <p>Java has no {@code alignas}. A field's neighbours are decided by the JVM's field layout, which
 * lays a superclass's fields before a subclass's; so, as in JCTools and Agrona, every padded type is
 * a chain {@code XxxPad0 -> XxxFields -> XxxPad1 -> Xxx} whose pad layers hold 128 bytes of unused
 * {@code long}s. 128 rather than 64 because x86's adjacent-line prefetcher pulls cache lines in
 * pairs: two writers 64 bytes apart still contend. Arrays written by the hot path are padded the
 * same way at both ends ({@link io.flashstrike.wal.recovery.telemetry.internal.Padding#PAD_LONGS}).
 *
 * <p>The layout is not assumed but proven: {@code Operation64LayoutTest} reads the field offsets
 * with JOL and fails when a hot field comes within 64 bytes of the object header, of the object's
 * end, or of the other metric's hot fields, on JDK 17 and 25, compressed oops on and off.
 */
package io.flashstrike.wal.recovery.telemetry.internal;
