package io.flashstrike.wal.recovery;

import io.flashstrike.wal.segment.SegmentLayout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --repair}: makes the log end where recovery stopped, keeping every byte it removes, and
 * never overwriting anything an earlier repair kept.
 *
 * <p>Steps, each durable (file and directory fsynced) before the next, so that a repair killed at
 * any point and run again ends in the same state (idempotent):
 * <ol>
 *   <li>copy the damaged segment to a fresh temporary {@code <name>.broken.<random>.tmp} (mode
 *       0600, whatever the segment's mode: its owner can write and fsync it), fsync, rename it to
 *       the first free name of {@code <name>.broken}, {@code <name>.broken.1}, … , fsync the
 *       directory. A kept copy with the same bytes (a re-run after a kill) is reused instead;</li>
 *   <li>truncate the damaged segment to its last valid offset and zero-fill it to the size its
 *       header declares, fsync: it now ends as a preallocated segment does, a clean end that every
 *       mode, strict included, accepts. A segment nothing of which continues the log (valid offset
 *       0: a damaged header, or one that does not follow the previous segment) is moved aside
 *       whole instead of steps 1 and 2;</li>
 *   <li>rename every later segment to the first free {@code <name>.broken[.N]} (point-in-time stops
 *       only), fsync the directory after each.</li>
 * </ol>
 * A rename never replaces: the JDK's move without {@code REPLACE_EXISTING} refuses an existing
 * target, and the caller holds the directory lock exclusively, so no other process of ours
 * creates one in between. Temporaries left by a killed repair are partial copies of a segment
 * that is still whole (step 2 runs only after step 1 is durable); they are deleted first.
 */
final class Repairer {
    /** Where a step can be interrupted in tests, to prove the re-run idempotent. */
    interface Steps {
        Steps NONE = step -> { };

        /** Called after each durable step (1, 2, 3), and with 0 once the temporary copy is durable, not yet renamed. */
        void after(int step) throws IOException;
    }

    private static final String KEPT = ".broken";
    private static final String TEMPORARY = ".tmp";

    private final Steps steps;

    Repairer(Steps steps) {
        this.steps = steps;
    }

    /**
     * @param damaged    the segment to cut, or null when the stop was a missing segment
     * @param validEnd   its last valid offset
     * @param later      segments after the stop point, to move aside
     * @return what was done, for the log line and the telemetry; null when nothing needed doing
     */
    String repair(Path damaged, long validEnd, List<Path> later) throws IOException {
        List<String> done = new ArrayList<>();
        if (damaged != null && Files.exists(damaged, LinkOption.NOFOLLOW_LINKS)) {
            String cut = validEnd == 0 ? moveAside(damaged) : cleanEnd(damaged, validEnd);
            if (cut != null) {
                done.add(cut);
            }
        }
        List<String> moved = new ArrayList<>();
        for (Path p : later) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                moved.add(renameNoReplace(p, p.getFileName() + KEPT).getFileName().toString());
                forceDirectory(directoryOf(p));
            }
        }
        if (!moved.isEmpty()) {
            done.add("moved " + moved.size() + " later segment(s) aside as *.broken"
                    + (moved.stream().allMatch(n -> n.endsWith(KEPT)) ? "" : " (" + String.join(", ", moved) + ")"));
        }
        steps.after(3);
        return done.isEmpty() ? null : "repaired: " + String.join("; ", done) + " (fsynced)";
    }

    /**
     * Steps 1 and 2 for a segment whose header is valid: keep a copy if bytes are removed, cut
     * at {@code validEnd}, and zero-fill to the declared size, so that the segment ends the way
     * a preallocated one does, which every mode reads as the clean end of the log
     * (docs/FORMAT.md, section 8). A short file with nothing to remove is only zero-filled.
     *
     * @return what was done, or null when the segment already ends cleanly
     */
    private String cleanEnd(Path damaged, long validEnd) throws IOException {
        long size = Files.size(damaged);
        long declared = declaredSize(damaged, validEnd);
        if (size <= validEnd && size >= declared) {
            return null;
        }
        Path broken = size > validEnd ? keep(damaged) : null;
        steps.after(1);
        try (FileChannel ch = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
            ch.truncate(validEnd);
            if (declared > validEnd) {
                ch.write(ByteBuffer.allocate(1), declared - 1); // the bytes before it read as zeros
            }
            ch.force(true);
        }
        steps.after(2);
        String name = damaged.getFileName().toString();
        String filled = declared > validEnd ? "zero-filled to its declared " + declared + " bytes: a clean end" : "a clean end";
        return broken == null ? "zero-filled " + name + " from " + size + " to its declared " + declared + " bytes: a clean end"
                : "copied " + name + " to " + broken.getFileName() + " and truncated it from " + size + " to " + validEnd
                        + " bytes, " + filled;
    }

    /**
     * Steps 1 and 2 for a segment nothing of which continues the log (its header is damaged, or
     * does not follow the previous segment): it leaves the log whole, and all of it is kept.
     */
    private String moveAside(Path damaged) throws IOException {
        Path broken = renameNoReplace(damaged, damaged.getFileName() + KEPT);
        forceDirectory(directoryOf(damaged));
        steps.after(1);
        steps.after(2);
        return "moved " + damaged.getFileName() + " aside whole as " + broken.getFileName() + " (nothing of it continues the log)";
    }

    /** @return the segment size its header declares (verified by recovery, since records were read after it) */
    private static long declaredSize(Path segment, long validEnd) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES).order(SegmentLayout.BYTE_ORDER);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ch.read(b, SegmentLayout.SEGMENT_SIZE_OFFSET);
        }
        long declared = b.position() == Integer.BYTES ? Integer.toUnsignedLong(b.getInt(0)) : 0;
        // Never below what is kept, never past what a segment can be: then only cut.
        return declared < validEnd || declared > SegmentLayout.MAX_SEGMENT_SIZE ? validEnd : declared;
    }

    /** Step 1: a complete, durable copy of {@code damaged} under a name no other file has; returns it. */
    private Path keep(Path damaged) throws IOException {
        Path dir = directoryOf(damaged);
        String name = damaged.getFileName().toString();
        deleteTemporaries(dir, name);
        Path same = keptCopy(dir, name, damaged);
        if (same != null) {
            return same; // a repair killed after step 1 already kept exactly these bytes
        }
        Path tmp = Files.createTempFile(dir, name + KEPT + ".", TEMPORARY);
        try {
            try (FileChannel in = FileChannel.open(damaged, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                long size = in.size();
                for (long at = 0; at < size; ) {
                    at += in.transferTo(at, size - at, out);
                }
                out.force(true);
            }
            steps.after(0);
            Path broken = renameNoReplace(tmp, name + KEPT);
            forceDirectory(dir);
            return broken;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** @return a kept copy of {@code name} holding exactly the bytes of {@code damaged}, or null */
    private static Path keptCopy(Path dir, String name, Path damaged) throws IOException {
        long size = Files.size(damaged);
        for (int n = 0; ; n++) {
            Path p = dir.resolve(keptName(name + KEPT, n));
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == size && Files.mismatch(p, damaged) < 0) {
                return p;
            }
        }
    }

    /** Deletes {@code <name>.broken*.tmp}: what a killed step 1 left; the segment itself is still whole. */
    private static void deleteTemporaries(Path dir, String name) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.startsWith(name + KEPT) && n.endsWith(TEMPORARY) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    stale.add(p);
                }
            }
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
    }

    /** Renames {@code source} to the first free name of {@code base}, {@code base.1}, …; never replaces a file. */
    private static Path renameNoReplace(Path source, String base) throws IOException {
        Path dir = directoryOf(source);
        for (int n = 0; ; n++) {
            Path target = dir.resolve(keptName(base, n));
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                return Files.move(source, target); // no REPLACE_EXISTING: refuses an existing target
            } catch (FileAlreadyExistsException taken) {
                // created since the check: the next name
            }
        }
    }

    private static String keptName(String base, int n) {
        return n == 0 ? base : base + "." + n;
    }

    private static Path directoryOf(Path file) {
        return file.toAbsolutePath().getParent();
    }

    /** Makes renames durable; not every file system lets a directory be opened, and then this is a no-op. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort, as in most Java databases
        }
    }
}
