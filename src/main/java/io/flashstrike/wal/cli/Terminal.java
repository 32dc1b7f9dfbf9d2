package io.flashstrike.wal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process's stderr is a terminal: progress redrawn in place there, plain lines otherwise. */
final class Terminal {
    private Terminal() {
    }

    /**
     * On Linux, fd 2's target says it exactly; elsewhere {@link System#console()} (stdin and stdout
     * on a terminal) is the nearest Java has. Either way a pipe or a file gets no carriage returns.
     */
    static boolean stderr() {
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd2)) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
