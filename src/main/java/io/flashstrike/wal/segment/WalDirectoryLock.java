package io.flashstrike.wal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock of a WAL directory: the file {@value #FILE_NAME} in it, locked with
 * {@link FileChannel#tryLock}, as RocksDB's {@code LOCK} and etcd's flock. Whoever changes the
 * directory (the generator, a writer, {@code recover --repair}) holds it {@linkplain #exclusive
 * exclusively}; a recovery that only reads holds it {@linkplain #shared shared}, so readers
 * coexist and no writer can start under them. A second opener that conflicts fails at once with a
 * {@link LockedException}, one line naming the directory and, when a writer holds it, the
 * writer's pid.
 *
 * <p>The holder's pid: an exclusive holder writes {@code pid N} into the file as soon as it holds
 * the lock and empties the file before releasing it, so the file names a pid exactly while a
 * writer holds it. A writer killed with -9 leaves its pid behind; the next holder, shared or
 * exclusive, empties or overwrites it. Readers record nothing (there may be several).
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
            throw new LockedException("WAL directory " + directory + " is locked by another process (" + holder(channel)
                    + ", " + file + ")");
        }
        return lock;
    }

    /** @return who holds the lock, as far as the file says */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            channel.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            if (s.matches("pid \\d+")) {
                return s;
            }
        } catch (IOException ignored) {
            // the refusal is the news; an unreadable pid only makes it less precise
        }
        return "no pid recorded: a recovery reading it";
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
