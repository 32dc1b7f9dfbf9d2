package io.flashstrike.wal.segment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: verify a file or a whole log directory as the recovery layer would. */
final class Wal {
    private Wal() {
    }

    static ByteBuffer map(Path file) {
        try {
            return SegmentFiles.mapReadOnly(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Verifies {@code file}, expecting the id of its name, chained after {@code previous}. */
    static SegmentVerification verify(Path file, SegmentVerification previous) {
        return new SegmentVerifier().verify(map(file), SegmentFiles.requireId(file), previous.nextLsn(), previous.lastCrc());
    }

    /** Verifies {@code file} as the first segment of a log starting at {@code firstLsn}. */
    static SegmentVerification verifyFirst(Path file, long firstLsn) {
        return new SegmentVerifier().verify(map(file), SegmentFiles.requireId(file), firstLsn,
                SegmentLayout.INITIAL_CHAIN_CRC);
    }

    /** Verifies every segment of {@code dir} in id order, each chained after the one before. */
    static List<SegmentVerification> verifyAll(Path dir, long firstLsn) {
        try {
            SegmentVerifier verifier = new SegmentVerifier();
            List<SegmentVerification> results = new ArrayList<>();
            long lsn = firstLsn;
            int chain = SegmentLayout.INITIAL_CHAIN_CRC;
            for (Path file : SegmentFiles.list(dir)) {
                SegmentVerification v = verifier.verify(map(file), SegmentFiles.requireId(file), lsn, chain);
                results.add(v);
                lsn = v.nextLsn();
                chain = v.lastCrc();
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
