package io.flashstrike.wal.segment;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Segment file naming: {@code <id>.wal} with the id in 20 zero-padded decimal digits (enough for
 * any non-negative {@code long}), e.g. {@code 00000000000000000042.wal}. Fixed width makes the
 * lexicographic order of a directory listing the id order, for people and {@code ls} alike.
 * Anything else in a WAL directory (a quarantined {@code 00000000000000000042.wal.broken}, a lock
 * file, a temp file) is not a segment and is ignored by {@link #list}.
 */
public final class SegmentFiles {
    /** File name suffix of a segment. */
    public static final String SUFFIX = ".wal";
    /** Number of digits of the id in a file name. */
    public static final int ID_DIGITS = 20;
    static final int NAME_LENGTH = ID_DIGITS + SUFFIX.length();

    private SegmentFiles() {
    }

    /**
     * @return the file name of segment {@code id}
     * @throws IllegalArgumentException if {@code id} is negative
     */
    public static String fileName(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("negative segment id " + id);
        }
        String digits = Long.toString(id);
        return "0".repeat(ID_DIGITS - digits.length()) + digits + SUFFIX;
    }

    /** @return {@code directory/fileName(id)} */
    public static Path path(Path directory, long id) {
        return directory.resolve(fileName(id));
    }

    /**
     * @return the id in the name of {@code file}, or -1 if the name is not exactly a segment name
     *         (20 digits, {@code .wal}, at most {@link Long#MAX_VALUE})
     */
    public static long parseId(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return -1;
        }
        String s = name.toString();
        if (s.length() != NAME_LENGTH || !s.endsWith(SUFFIX)) {
            return -1;
        }
        long id = 0;
        for (int i = 0; i < ID_DIGITS; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (id > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1; // 20 digits can exceed a long
            }
            id = id * 10 + (c - '0');
        }
        return id;
    }

    /**
     * @return the id in the name of {@code file}
     * @throws IllegalArgumentException naming the file, if it is not a segment name
     */
    public static long requireId(Path file) {
        long id = parseId(file);
        if (id < 0) {
            throw new IllegalArgumentException("not a WAL segment file name: '" + file.getFileName()
                    + "' (expected " + ID_DIGITS + " digits and " + SUFFIX + ", e.g. " + fileName(42) + ")");
        }
        return id;
    }

    /**
     * @return the regular files of {@code directory} with segment names, sorted by id; other
     *         entries (sub-directories, {@code .broken} files, foreign names) are skipped: the
     *         segments of {@link WalDirectory#scan}, which recovery uses to say what it skips.
     */
    public static List<Path> list(Path directory) throws IOException {
        return WalDirectory.scan(directory).segments();
    }

    /**
     * Maps a whole segment file read-only, as the preloader does before verifying it.
     *
     * @throws IOException if the file cannot be opened or is larger than a segment can be
     */
    public static MappedByteBuffer mapReadOnly(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > SegmentLayout.MAX_SEGMENT_SIZE) {
                throw new IOException(file + " is " + size + " bytes, larger than any segment ("
                        + SegmentLayout.MAX_SEGMENT_SIZE + ")");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }
}
