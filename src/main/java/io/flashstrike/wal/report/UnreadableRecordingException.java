package io.flashstrike.wal.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file is not a recording this report can read: missing, empty, not JFR, truncated, or in a
 * format version newer than the parser. The message is one line that names the file.
 */
public final class UnreadableRecordingException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Kind { MISSING, EMPTY, NOT_JFR, TRUNCATED, UNSUPPORTED_VERSION, UNREADABLE }

    private final Kind kind;

    UnreadableRecordingException(Path file, Kind kind, String reason) {
        super(file + ": " + reason);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
