package io.flashstrike.wal.recovery;

/** The record consumer threw: recovery stopped at that record. The cause is the consumer's exception. */
public final class ReplayConsumerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplayConsumerException(String message, Throwable cause) {
        super(message, cause);
    }
}
