package io.flashstrike.wal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How an exception becomes an error line: {@code path: reason}, never the bare path NIO's
 * messages are; on exceptions the file system itself throws.
 */
class ErrorLinesTest {
    @Test
    void aFileSystemErrorIsPathColonReason(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("missing");
        assertEquals(missing + ": no such file or directory",
                ErrorLines.of(assertThrows(IOException.class, () -> Files.readString(missing))));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertEquals(file + ": already exists",
                ErrorLines.of(assertThrows(IOException.class, () -> Files.createFile(file))));
        assertEquals(file + ": not a directory",
                ErrorLines.of(assertThrows(IOException.class, () -> Files.newDirectoryStream(file).close())));
    }

    @Test
    void aMissingParentOfAFileToWriteIsNoSuchDirectory(@TempDir Path tmp) {
        Path html = tmp.resolve("nodir/x.html");
        IOException e = assertThrows(IOException.class, () -> Files.writeString(html, "x"));
        assertEquals("no such directory", ErrorLines.about(html, e));
        assertEquals(html + ": no such file or directory", ErrorLines.of(e));
    }

    @Test
    void aDeviceErrorWithoutAFileKeepsItsReasonInLowerCase() {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "/dev/full (Linux)");
        IOException e = assertThrows(IOException.class, () -> Files.writeString(full, "x"));
        assertEquals("no space left on device", ErrorLines.about(full, e));
        assertEquals("no space left on device", ErrorLines.of(new UncheckedIOException(e)));
    }

    @Test
    void aDirectoryThatIsAFileOrMissingIsNamedWithItsOption(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("recovery.jfr"), "x");
        assertEquals("--dir " + file + ": not a directory", ErrorLines.directoryProblem("--dir", file));
        assertEquals("--dir " + tmp.resolve("nope") + ": no such directory", ErrorLines.directoryProblem("--dir", tmp.resolve("nope")));
        assertEquals(null, ErrorLines.directoryProblem("--dir", tmp));
        assertEquals("two", ErrorLines.of(new IllegalStateException("two\nlines")), "one line");
    }
}
