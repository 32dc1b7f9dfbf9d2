package io.flashstrike.wal.recovery.telemetry.internal;

/** Padding sizes shared by the padded layers and arrays of this package. */
public final class Padding {
    /** Bytes of padding on each side of a hot region: two cache lines (adjacent-line prefetch). */
    public static final int PAD_BYTES = 128;
    /** {@link #PAD_BYTES} counted in {@code long} array slots. */
    public static final int PAD_LONGS = PAD_BYTES / Long.BYTES;

    private Padding() {
    }
}
