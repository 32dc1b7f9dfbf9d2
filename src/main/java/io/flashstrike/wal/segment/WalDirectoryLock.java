package io.flashstrike.wal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The lock of a WAL directory: the file {@value #FILE_NAME} in it, locked with
 * {@link FileChannel#tryLock}, as RocksDB's {@code LOCK} and etcd's flock. Whoever changes the
 * directory (the generator, a writer, {@code recover --repair}) holds it {@linkplain #exclusive
 * exclusively}; a recovery that only reads holds it {@linkplain #shared shared}, so readers
 * coexist and no writer can start under them. A second opener that conflicts fails at once with a
 * {@link LockedException}, one line naming the directory and, when a writer holds it, the
 * writer's pid.
 *
 * <p>The holder's pid: a refused opener asks the kernel where it can (Linux {@code /proc/locks}
 * lists every holder of the file's inode, readers included). Elsewhere it reads the file: an
 * exclusive holder writes {@code pid N} into it as soon as it holds the lock and empties it before
 * releasing it; a pid whose process is gone (a writer killed with -9) is not reported, and the
 * next holder empties or overwrites it. Readers record nothing in the file (there may be several).
 *
 * <p>A read-only directory: a reader that cannot create or open {@value #FILE_NAME} for writing
 * opens it read-only and takes the shared lock on that (POSIX allows a read lock on a read-only
 * descriptor); if it does not exist and cannot be created, the reader runs unlocked
 * ({@link #held()} false, {@link #note()} says why). Nothing of ours can write such a directory
 * either: a writer needs {@value #FILE_NAME} writable, and fails with one line when it is not.
 *
 * <p>The lock is advisory (fcntl on Linux): it excludes our processes from each other, not an
 * unrelated program. Within one JVM, the JDK refuses any overlapping lock on the same file, shared
 * or not: a second recovery of the same directory in the same process is refused too, as held by
 * this process. Not thread-safe; close it once, on any thread.
 */
public final class WalDirectoryLock implements AutoCloseable {
    /** Name of the lock file in a WAL directory; never a segment name. */
    public static final String FILE_NAME = "LOCK";

    /** A conflicting holder: the directory is in use. */
    public static final class LockedException extends IOException {
        private static final long serialVersionUID = 1L;

        LockedException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String note;

    private WalDirectoryLock(Path file, FileChannel channel, FileLock lock, String note) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.note = note;
    }

    /** @return the lock file of {@code directory} */
    public static Path file(Path directory) {
        return directory.resolve(FILE_NAME);
    }

    /**
     * Takes the lock to change {@code directory}: creates {@value #FILE_NAME} if missing, locks it
     * exclusively, writes this process's pid into it.
     *
     * @throws LockedException if any other holder, reader or writer, has it
     * @throws IOException     naming the lock file, if it cannot be created or opened for writing
     */
    public static WalDirectoryLock exclusive(Path directory) throws IOException {
        Path file = file(directory);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            throw new IOException("cannot lock WAL directory " + directory + ": " + file + ": " + why(e), e);
        }
        try {
            FileLock lock = tryLock(channel, false, directory, file);
            byte[] pid = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new WalDirectoryLock(file, channel, lock, null);
        } catch (IOException | RuntimeException e) {
            channel.close(); // releases the lock too, if it was taken
            throw e;
        }
    }

    /**
     * Takes the lock to read {@code directory}: shared with other readers, exclusive of writers.
     * When {@value #FILE_NAME} can be neither created nor opened (a read-only directory without
     * it), returns an unlocked handle whose {@link #note()} says so.
     *
     * @throws LockedException if a writer holds it
     */
    public static WalDirectoryLock shared(Path directory) throws IOException {
        Path file = file(directory);
        FileChannel channel;
        boolean writable = true;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (FileSystemException | UnsupportedOperationException e) {
            writable = false;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (FileSystemException cannot) {
                return new WalDirectoryLock(file, null, null, "not locked: " + file + " cannot be created (" + why(e)
                        + "), so no writer of ours can lock the directory either");
            }
        }
        try {
            FileLock lock = tryLock(channel, true, directory, file);
            if (writable && channel.size() > 0) {
                channel.truncate(0); // a killed writer's pid: stale, since no writer can hold the lock now
            }
            return new WalDirectoryLock(file, channel, lock, null);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel, boolean shared, Path directory, Path file) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            throw new LockedException("WAL directory " + directory + " is locked by this process (pid "
                    + ProcessHandle.current().pid() + ", " + file + ")");
        }
        if (lock == null) {
            throw new LockedException("WAL directory " + directory + " is locked by another process ("
                    + holder(channel, file) + ", " + file + ")");
        }
        return lock;
    }

    /**
     * @return who holds the lock: the kernel's list of locks where there is one (Linux
     *         {@code /proc/locks}: every holder, readers included, at this moment), else the pid a
     *         writer wrote into the file if that process is alive
     */
    private static String holder(FileChannel channel, Path file) {
        String fromKernel = holderFromProcLocks(file);
        if (fromKernel != null) {
            return fromKernel;
        }
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            channel.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            if (s.matches("pid \\d{1,18}") && ProcessHandle.of(Long.parseLong(s.substring(4))).isPresent()) {
                return s;
            }
        } catch (IOException ignored) {
            // the refusal is the news; an unreadable pid only makes it less precise
        }
        return "pid not known";
    }

    /** @return {@code pid N} (a writer) or {@code pid N reading it} from /proc/locks, or null when it cannot say */
    private static String holderFromProcLocks(Path file) {
        Path locks = Path.of("/proc/locks");
        if (!Files.isReadable(locks)) {
            return null;
        }
        try {
            String inode = ":" + Files.getAttribute(file, "unix:ino");
            long self = ProcessHandle.current().pid();
            List<String> readers = new ArrayList<>();
            for (String line : Files.readAllLines(locks, StandardCharsets.US_ASCII)) {
                // "1: POSIX  ADVISORY  WRITE 4711 fd:01:1234567 0 EOF"; "->" marks a waiter, not a holder
                String[] f = line.trim().split("\\s+");
                if (line.contains("->") || f.length < 6 || !f[1].equals("POSIX") || !f[5].endsWith(inode)
                        || f[4].equals(String.valueOf(self))) {
                    continue;
                }
                if (f[3].equals("WRITE")) {
                    return "pid " + f[4];
                }
                readers.add(f[4]);
            }
            return readers.isEmpty() ? null : (readers.size() == 1 ? "pid " : "pids ") + String.join(", ", readers)
                    + " reading it";
        } catch (IOException | RuntimeException e) {
            return null; // no unix view, an unexpected line: the file's pid below
        }
    }

    private static String why(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.toString();
    }

    /** @return whether the lock is held: false only for a reader of a directory where it could not be created */
    public boolean held() {
        return lock != null;
    }

    /** @return why the directory is not locked, or null when it is */
    public String note() {
        return note;
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /** Releases the lock; an exclusive holder first empties the file, so no pid outlives it. */
    @Override
    public void close() throws IOException {
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            if (lock != null && !lock.isShared()) {
                channel.truncate(0);
            }
        } finally {
            channel.close(); // releases the lock
        }
    }
}
