package io.flashstrike.wal.recovery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --repair}: makes the log end where recovery stopped, keeping every byte it removes.
 *
 * <p>Steps, each durable before the next, so that a repair killed at any point and run again ends
 * in the same state (idempotent):
 * <ol>
 *   <li>copy the damaged segment to {@code <name>.broken.tmp}, fsync, rename to {@code <name>.broken};</li>
 *   <li>truncate the damaged segment to its last valid offset, fsync;</li>
 *   <li>rename every later segment to {@code <name>.broken} (point-in-time stops only), fsync the directory.</li>
 * </ol>
 * A re-run finds nothing past the valid offset and no later segment, and does nothing.
 */
final class Repairer {
    /** Where a step can be interrupted in tests, to prove the re-run idempotent. */
    interface Steps {
        Steps NONE = step -> { };

        /** Called after each durable step (1, 2, 3). */
        void after(int step) throws IOException;
    }

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
        if (damaged != null && Files.exists(damaged) && Files.size(damaged) > validEnd) {
            long size = Files.size(damaged);
            Path broken = damaged.resolveSibling(damaged.getFileName() + ".broken");
            Path tmp = damaged.resolveSibling(damaged.getFileName() + ".broken.tmp");
            Files.copy(damaged, tmp, StandardCopyOption.REPLACE_EXISTING);
            force(tmp);
            Files.move(tmp, broken, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            steps.after(1);
            try (FileChannel ch = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
                ch.truncate(validEnd);
                ch.force(true);
            }
            steps.after(2);
            done.add("copied " + damaged.getFileName() + " to " + broken.getFileName() + " and truncated it from "
                    + size + " to " + validEnd + " bytes");
        }
        int moved = 0;
        for (Path p : later) {
            if (Files.exists(p)) {
                Files.move(p, p.resolveSibling(p.getFileName() + ".broken"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                moved++;
            }
        }
        if (moved > 0) {
            done.add("moved " + moved + " later segment(s) aside as *.broken");
        }
        if (!done.isEmpty() && damaged != null) {
            forceDirectory(damaged.toAbsolutePath().getParent());
        } else if (!done.isEmpty() && !later.isEmpty()) {
            forceDirectory(later.get(0).toAbsolutePath().getParent());
        }
        steps.after(3);
        return done.isEmpty() ? null : "repaired: " + String.join("; ", done) + " (fsynced)";
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
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
