package io.flashstrike.wal.report;

import io.flashstrike.wal.report.UnreadableRecordingException.Kind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks that a file is a complete JFR recording before the parser sees it, so that every bad
 * input gets one precise line: the JMC parser skips a cut-off chunk with a logged stack trace, or
 * fails on a bad file with a bare exception.
 *
 * <p>A recording is a sequence of chunks. Each starts with the magic {@code FLR\0}, the format
 * version (two big-endian {@code u2}: major, minor) and the chunk size ({@code u8}, header
 * included); version 1 and 2 chunk headers are 68 bytes. The check walks the chunks: each must
 * start with the magic, have a version this parser reads (major 1 or 2; JDK 11 to 25 write 2.x)
 * and fit in the file; the last must end exactly at the end of the file.
 */
final class RecordingCheck {
    static final int MAGIC = 0x464C5200; // "FLR\0"
    static final int HEADER_BYTES = 68;
    static final int NEWEST_MAJOR = 2;

    private RecordingCheck() {
    }

    /** @throws UnreadableRecordingException with a one-line reason when the file cannot be a complete recording */
    static void check(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new UnreadableRecordingException(file, Kind.MISSING, "is a directory, not a JFR recording");
        }
        if (!Files.exists(file)) {
            throw new UnreadableRecordingException(file, Kind.MISSING, "no such file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new UnreadableRecordingException(file, Kind.EMPTY, "empty file (0 bytes), not a JFR recording");
            }
            ByteBuffer header = ByteBuffer.allocate(16);
            long pos = 0;
            for (int chunk = 1; pos < size; chunk++) {
                header.clear();
                int n = readFully(ch, header, pos);
                if (!startsWithMagic(header, n)) {
                    throw chunk == 1
                            ? new UnreadableRecordingException(file, Kind.NOT_JFR, "not a JFR recording (no FLR magic at the start)")
                            : new UnreadableRecordingException(file, Kind.TRUNCATED, "corrupt or truncated: chunk " + chunk
                                    + " at offset " + pos + " has no FLR magic");
                }
                if (n < 16) {
                    throw truncated(file, chunk == 1 && n < 4 ? "only " + size + " bytes, shorter than a JFR header"
                            : "chunk " + chunk + " header at offset " + pos + " is cut short (" + (size - pos) + " bytes left)");
                }
                int major = header.getShort(4) & 0xFFFF;
                int minor = header.getShort(6) & 0xFFFF;
                if (major > NEWEST_MAJOR) {
                    throw new UnreadableRecordingException(file, Kind.UNSUPPORTED_VERSION, "JFR format " + major + "." + minor
                            + " is newer than this reader understands (up to " + NEWEST_MAJOR + ".x)");
                }
                if (major == 0) {
                    return; // JDK 7/8 (format 0.9): another header layout; the parser checks it
                }
                long chunkSize = header.getLong(8);
                if (chunkSize == 0) {
                    throw truncated(file, "chunk " + chunk + " at offset " + pos
                            + " is unfinished (size 0): the recording is still being written or its JVM died");
                }
                if (chunkSize < HEADER_BYTES || chunkSize > size - pos) {
                    throw truncated(file, "chunk " + chunk + " at offset " + pos + " declares " + chunkSize
                            + " bytes but " + (size - pos) + " remain");
                }
                pos += chunkSize;
            }
        }
    }

    /** @return whether the first {@code min(n, 4)} bytes are those of the magic */
    private static boolean startsWithMagic(ByteBuffer header, int n) {
        for (int i = 0; i < Math.min(n, 4); i++) {
            if (header.get(i) != (byte) (MAGIC >>> (24 - 8 * i))) {
                return false;
            }
        }
        return true;
    }

    private static UnreadableRecordingException truncated(Path file, String why) {
        return new UnreadableRecordingException(file, Kind.TRUNCATED, "truncated JFR recording: " + why);
    }

    private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
