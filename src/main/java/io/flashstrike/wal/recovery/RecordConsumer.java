package io.flashstrike.wal.recovery;

import java.nio.ByteBuffer;

/** Receives replayed records, in LSN order, on the replay thread. */
@FunctionalInterface
public interface RecordConsumer {
    /**
     * @param lsn     the record's log sequence number
     * @param type    the record's type (non-zero)
     * @param payload the payload between position and limit; a read-only view that is reused for
     *                the next record: copy what you keep. Valid only during this call.
     */
    void accept(long lsn, int type, ByteBuffer payload) throws Exception;
}
