package io.flashstrike.wal.recovery;

import io.flashstrike.wal.segment.WalDirectory;

import java.nio.file.Path;
import java.util.List;

/** The lines recovery says about directory entries that are not segments ({@link WalDirectory}). */
final class DirectoryLines {
    /** Entries named in one line; more are counted. */
    private static final int NAMED = 3;

    private DirectoryLines() {
    }

    /**
     * @return the failure line for entries named like segments that are not, e.g. {@code
     *         /wal/00000000000000000005.wal: NOT_A_SEGMENT: a FIFO, not a regular file; nothing replayed: …}
     */
    static String refusal(List<WalDirectory.Entry> anomalies) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < anomalies.size() && i < NAMED; i++) {
            WalDirectory.Entry e = anomalies.get(i);
            b.append(i == 0 ? "" : "; also ").append(e.path()).append(": ").append(e.kind()).append(": ")
                    .append(e.what());
            if (e.kind() == WalDirectory.Kind.NOT_A_SEGMENT) {
                b.append(", not a regular file");
            }
        }
        if (anomalies.size() > NAMED) {
            b.append("; and ").append(anomalies.size() - NAMED).append(" more");
        }
        return b.append("; nothing replayed: the log cannot be known while ")
                .append(anomalies.size() == 1 ? "this entry is" : "these entries are")
                .append(" there (move it away, or restore the segment file under its exact name)").toString();
    }

    /** @return the note about entries that are neither the log nor ours, or null when there are none */
    static String unknown(Path directory, List<WalDirectory.Entry> unknown) {
        if (unknown.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("ignored ").append(unknown.size())
                .append(unknown.size() == 1 ? " entry" : " entries").append(" of ").append(directory)
                .append(" that ").append(unknown.size() == 1 ? "is" : "are").append(" not part of the log: ");
        for (int i = 0; i < unknown.size() && i < NAMED; i++) {
            WalDirectory.Entry e = unknown.get(i);
            b.append(i == 0 ? "" : ", ").append(e.path().getFileName());
            if ("a directory".equals(e.what())) {
                b.append(" (a directory)");
            }
        }
        if (unknown.size() > NAMED) {
            b.append(" and ").append(unknown.size() - NAMED).append(" more");
        }
        return b.toString();
    }
}
