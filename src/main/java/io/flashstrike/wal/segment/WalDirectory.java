package io.flashstrike.wal.segment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Every entry of a WAL directory, classified, so that recovery skips nothing in silence:
 * <ul>
 *   <li>{@link Kind#SEGMENT}: a regular file (or a link to one) with a segment name;</li>
 *   <li>{@link Kind#KNOWN}: a file of ours that is not part of the log: the {@link WalDirectoryLock}
 *       file, and what {@code --repair} keeps or stages, {@code <segment name>.broken…};</li>
 *   <li>{@link Kind#NOT_A_SEGMENT}: a segment name on something that is not a regular file (a
 *       directory, a FIFO, a dangling symbolic link, a link loop): records may be missing there;</li>
 *   <li>{@link Kind#MISNAMED_SEGMENT}: a name ending in {@code .wal}, in any case, that is not
 *       exactly a segment name ({@code 5.wal}, 21 digits, {@code .WAL}): a segment may hide there;</li>
 *   <li>{@link Kind#UNKNOWN}: anything else, not ours and not part of the log.</li>
 * </ul>
 * Classifying never opens an entry (opening a FIFO would block): it reads names and attributes.
 */
public final class WalDirectory {
    /** What a directory entry is to the log. */
    public enum Kind { SEGMENT, KNOWN, NOT_A_SEGMENT, MISNAMED_SEGMENT, UNKNOWN }

    /**
     * One classified entry.
     *
     * @param id   the segment id of its name, -1 when the name is not exactly a segment name
     * @param what what it is, for the line an operator reads, e.g. {@code a FIFO}
     */
    public record Entry(Path path, Kind kind, long id, String what) {
        /** @return whether recovery cannot know the log while this entry is there */
        public boolean isAnomaly() {
            return kind == Kind.NOT_A_SEGMENT || kind == Kind.MISNAMED_SEGMENT;
        }
    }

    /**
     * A directory, classified.
     *
     * @param segments  the segment files, sorted by id
     * @param anomalies entries named like segments that are not, sorted by name
     * @param unknown   entries that are not part of the log and not ours, sorted by name
     */
    public record Listing(List<Path> segments, List<Entry> anomalies, List<Entry> unknown) {
    }

    private static final String SUFFIX = SegmentFiles.SUFFIX;

    private WalDirectory() {
    }

    /** Lists and classifies every entry of {@code directory}. */
    public static Listing scan(Path directory) throws IOException {
        List<Path> segments = new ArrayList<>();
        List<Entry> anomalies = new ArrayList<>();
        List<Entry> unknown = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                Entry e = classify(p);
                switch (e.kind()) {
                    case SEGMENT -> segments.add(p);
                    case NOT_A_SEGMENT, MISNAMED_SEGMENT -> anomalies.add(e);
                    case UNKNOWN -> unknown.add(e);
                    case KNOWN -> { }
                }
            }
        }
        segments.sort(Comparator.comparingLong(SegmentFiles::parseId));
        Comparator<Entry> byName = Comparator.comparing(e -> e.path().getFileName().toString());
        anomalies.sort(byName);
        unknown.sort(byName);
        return new Listing(List.copyOf(segments), List.copyOf(anomalies), List.copyOf(unknown));
    }

    /** @return what {@code entry} is to the log; reads its attributes, never opens it */
    public static Entry classify(Path entry) {
        String name = entry.getFileName().toString();
        long id = SegmentFiles.parseId(entry);
        if (id >= 0) {
            return Files.isRegularFile(entry) ? new Entry(entry, Kind.SEGMENT, id, "a segment")
                    : new Entry(entry, Kind.NOT_A_SEGMENT, id, notRegular(entry));
        }
        if (name.equals(WalDirectoryLock.FILE_NAME)) {
            return new Entry(entry, Kind.KNOWN, -1, "the lock file");
        }
        if (isKept(name)) {
            return new Entry(entry, Kind.KNOWN, -1, "kept by --repair");
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(SUFFIX)) {
            return new Entry(entry, Kind.MISNAMED_SEGMENT, -1, misnamed(name));
        }
        return new Entry(entry, Kind.UNKNOWN, -1, Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                ? "a directory" : "not part of the log");
    }

    /** @return whether {@code name} is a segment name followed by {@code .broken}: a kept copy or its temporary */
    static boolean isKept(String name) {
        int segmentName = SegmentFiles.NAME_LENGTH;
        return name.length() > segmentName && SegmentFiles.parseId(Path.of(name.substring(0, segmentName))) >= 0
                && name.startsWith(".broken", segmentName);
    }

    private static String misnamed(String name) {
        String suffix = name.substring(name.length() - SUFFIX.length());
        String stem = name.substring(0, name.length() - SUFFIX.length());
        String why;
        if (!suffix.equals(SUFFIX)) {
            why = "suffix " + suffix + ", not " + SUFFIX;
        } else if (!stem.chars().allMatch(c -> c >= '0' && c <= '9') || stem.isEmpty()) {
            why = "'" + stem + "' is not " + SegmentFiles.ID_DIGITS + " digits";
        } else if (stem.length() != SegmentFiles.ID_DIGITS) {
            why = stem.length() + (stem.length() == 1 ? " digit" : " digits") + ", not " + SegmentFiles.ID_DIGITS;
        } else {
            why = "the id is larger than any segment id";
        }
        return "named like a segment but not one (" + why + "; a segment is named like " + SegmentFiles.fileName(42) + ")";
    }

    private static String notRegular(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                return link(p);
            }
            return a.isDirectory() ? "a directory" : special(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return "not a regular file (" + e + ")";
        }
    }

    private static String link(Path p) throws IOException {
        String to = " (to " + Files.readSymbolicLink(p) + ")";
        try {
            BasicFileAttributes target = Files.readAttributes(p, BasicFileAttributes.class);
            return "a symbolic link to " + (target.isDirectory() ? "a directory" : special(p)) + to;
        } catch (NoSuchFileException e) {
            return "a dangling symbolic link" + to;
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? e.toString() : e.getReason();
            return (reason.contains("symbolic link") ? "a symbolic link loop" : "a symbolic link that cannot be followed: "
                    + reason) + to;
        }
    }

    /** @return the kind of a file that is neither regular nor a directory, from its Unix mode where the JDK has it */
    private static String special(Path p, LinkOption... options) {
        try {
            int type = (Integer) Files.getAttribute(p, "unix:mode", options) & 0170000;
            switch (type) {
                case 0010000: return "a FIFO";
                case 0140000: return "a socket";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                default: break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // no unix view here: the generic description below
        }
        return "not a regular file";
    }
}
