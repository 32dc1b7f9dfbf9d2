package io.flashstrike.wal.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JVM's JFR disk repository. JFR writes chunks into a per-process directory named
 * {@code yyyy_MM_dd_HH_mm_ss_<pid>} under the directory given with
 * {@code -XX:FlightRecorderOptions:repository=DIR} (or the temp directory).
 */
public final class Repositories {
    private static final Pattern PER_PROCESS = Pattern.compile("\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_(\\d+)");

    private Repositories() {
    }

    /**
     * @param dir either a per-process repository (it holds {@code .jfr} chunks) or the directory
     *            given to {@code repository=}, holding per-process directories
     * @param pid the producing JVM's pid, or -1 for the newest per-process directory of a live JVM
     * @return the per-process repository to stream
     * @throws IOException with a one-line message when none fits
     */
    public static Path resolve(Path dir, long pid) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such JFR repository directory");
        }
        Matcher self = PER_PROCESS.matcher(dir.getFileName() == null ? "" : dir.getFileName().toString());
        if (self.matches() || hasChunks(dir)) {
            return dir;
        }
        List<Path> candidates;
        try (Stream<Path> s = Files.list(dir)) {
            candidates = s.filter(Files::isDirectory).filter(p -> PER_PROCESS.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        for (Path p : candidates) {
            long owner = pidOf(p);
            if (pid >= 0 ? owner == pid : ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                return p;
            }
        }
        throw new IOException(pid >= 0
                ? "no repository of pid " + pid + " in " + dir
                : "no repository of a live JVM in " + dir + " (" + candidates.size() + " of exited JVMs)");
    }

    /** @return whether {@code dir} is one JVM's repository (its name says so, or it holds chunks), not a parent */
    public static boolean isPerProcess(Path dir) throws IOException {
        return PER_PROCESS.matcher(dir.getFileName() == null ? "" : dir.getFileName().toString()).matches() || hasChunks(dir);
    }

    /**
     * The per-process repository of a live JVM under {@code parent} that holds a chunk (not the
     * directory JFR makes and deletes at start to probe that it can), if there is one yet.
     * Directories of exited JVMs (a {@code kill -9} leaves them) are passed over.
     *
     * @param pid the JVM wanted, or -1 for the newest live one
     * @throws IOException when {@code parent} cannot be listed (gone or unreadable)
     */
    public static Optional<Path> live(Path parent, long pid) throws IOException {
        Path p;
        try {
            p = resolve(parent, pid);
        } catch (java.nio.file.FileSystemException unreadable) {
            throw unreadable; // gone, not a directory, or not ours to read: the sidecar's own failure
        } catch (IOException none) {
            return Optional.empty(); // none of a live JVM (or of that pid) yet
        }
        try {
            Optional<ProcessHandle> owner = producer(p).filter(ProcessHandle::isAlive);
            return p.equals(parent) || !hasChunks(p) || owner.isEmpty() || reused(owner.get(), p) ? Optional.empty() : Optional.of(p);
        } catch (NoSuchFileException probe) {
            return Optional.empty(); // the start-up probe directory, deleted under the listing
        }
    }

    /**
     * A JVM starts before JFR creates its directory, and every chunk JFR adds changes the directory:
     * a process of that pid started well after the directory last changed is another one that
     * reused the pid of an exited JVM, not its producer.
     */
    private static boolean reused(ProcessHandle p, Path dir) throws IOException {
        Optional<java.time.Instant> start = p.info().startInstant();
        return start.isPresent() && start.get().isAfter(Files.getLastModifiedTime(dir).toInstant().plusSeconds(2));
    }

    /** @return the pid in a per-process repository's name, or -1 */
    public static long pidOf(Path perProcess) {
        Matcher m = PER_PROCESS.matcher(perProcess.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** @return the live producer of a per-process repository, when its name says which */
    public static Optional<ProcessHandle> producer(Path perProcess) {
        long pid = pidOf(perProcess);
        return pid < 0 ? Optional.empty() : ProcessHandle.of(pid);
    }

    private static boolean hasChunks(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".jfr"));
        }
    }
}
