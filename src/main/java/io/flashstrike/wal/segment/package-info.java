/**
 * The WAL segment file format: layout ({@link io.flashstrike.wal.segment.SegmentLayout}), writing
 * ({@link io.flashstrike.wal.segment.SegmentWriter}, {@link io.flashstrike.wal.segment.WalGenerator}),
 * verification ({@link io.flashstrike.wal.segment.SegmentVerifier}, whose torn-tail rule lives in
 * {@link io.flashstrike.wal.segment.TornTail}), replay iteration
 * ({@link io.flashstrike.wal.segment.SegmentCursor}) and file naming
 * ({@link io.flashstrike.wal.segment.SegmentFiles}). The format is specified in {@code docs/FORMAT.md}.
 *
 * <p>This package decides what is valid; it does not decide what recovery does about what is not.
 */
package io.flashstrike.wal.segment;
