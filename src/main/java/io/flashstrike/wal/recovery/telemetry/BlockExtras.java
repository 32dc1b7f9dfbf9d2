package io.flashstrike.wal.recovery.telemetry;

import java.util.List;

/**
 * What a block keeps beside its operations (the manager's LSN, the reader's records and bytes):
 * folded from recorded events, collected and dumped with the operations, so that a
 * {@link TelemetryBlock} alone is everything a registry, an MBean or a stream needs of it.
 */
interface BlockExtras {
    BlockExtras NONE = new BlockExtras() {
    };

    /** A mirror's fold of a recorded event of any block; see {@link TelemetryBlock#foldExtras}. */
    default void fold(RecordedFields event) {
    }

    /** The block's own families, collected after its operations (the block's labels pushed). */
    default void collect(String prefix, MetricsCollector c) {
    }

    /** @return the labels of the dump lines {@link #dump} adds, for the frame's alignment */
    default List<String> dumpLabels() {
        return List.of();
    }

    /** @return the least label width of the frame (blocks dumped together line up) */
    default int dumpWidth() {
        return 0;
    }

    /** The block's own lines of the dump frame, after the operations. */
    default void dump(DumpFrame frame) {
    }
}
