package io.flashstrike.wal.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The one place an exception becomes the text of an error line, as Go's {@code os} package says
 * it: {@code path: reason} ({@code /data/wal/x.wal: no space left on device}). NIO's
 * {@link FileSystemException}s carry the path and the reason apart, and their message is often
 * the bare path; here they are put back together. Every command prints through this.
 */
final class ErrorLines {
    private ErrorLines() {
    }

    /** @return one line that says what went wrong and, for a file system error, on which file */
    static String of(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return of(u.getCause());
        }
        if (e instanceof FileSystemException f) {
            String where = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": ";
            return where + reason(f);
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getCause() != null && e.getCause() != e ? of(e.getCause()) : e.toString();
        }
        String first = m.strip().lines().findFirst().orElse(m);
        return e instanceof IOException ? lowerFirst(first) : first;
    }

    /**
     * @return what went wrong with {@code path}, without the path when the exception names that
     *         same file (the caller's line names it); a missing parent of a file to create is "no
     *         such directory"
     */
    static String about(Path path, Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return about(path, u.getCause());
        }
        if (e instanceof FileSystemException f && f.getFile() != null && f.getOtherFile() == null
                && Path.of(f.getFile()).equals(path)) {
            Path parent = path.toAbsolutePath().getParent();
            return f instanceof NoSuchFileException && parent != null && !Files.isDirectory(parent)
                    ? "no such directory" : reason(f);
        }
        return of(e);
    }

    /** @return {@code "<option> <dir>: no such directory"} or {@code ": not a directory"}, or null if it is one */
    static String directoryProblem(String option, Path dir) {
        if (Files.isDirectory(dir)) {
            return null;
        }
        return option + " " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory");
    }

    /** @return what is wrong with the file, in the kernel's words where NIO kept them */
    static String reason(FileSystemException f) {
        if (f.getReason() != null && !f.getReason().isBlank()) {
            return lowerFirst(f.getReason().strip()); // the thrower's own words: the kernel's, or ours
        }
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return "I/O error";
    }

    /** "No space left on device" reads as "no space left on device" after a path; "JFR ..." stays. */
    private static String lowerFirst(String s) {
        if (s.length() < 2 || !Character.isUpperCase(s.charAt(0)) || !Character.isLowerCase(s.charAt(1))) {
            return s;
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
