package io.flashstrike.wal.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentFilesTest {
    @TempDir
    Path dir;

    @Test
    void namesAreTwentyZeroPaddedDigits() {
        assertEquals("00000000000000000000.wal", SegmentFiles.fileName(0));
        assertEquals("00000000000000000042.wal", SegmentFiles.fileName(42));
        assertEquals("09223372036854775807.wal", SegmentFiles.fileName(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> SegmentFiles.fileName(-1));
        assertEquals(dir.resolve("00000000000000000042.wal"), SegmentFiles.path(dir, 42));
    }

    @Test
    void parseIdInvertsFileName() {
        for (long id : new long[]{0, 1, 42, 1_000_000_007L, Long.MAX_VALUE}) {
            assertEquals(id, SegmentFiles.parseId(Path.of("/some/dir", SegmentFiles.fileName(id))));
            assertEquals(id, SegmentFiles.requireId(Path.of(SegmentFiles.fileName(id))));
        }
    }

    @ParameterizedTest(name = "foreign ''{0}''")
    @ValueSource(strings = {"42.wal", "00000000000000000042.wal.broken", "00000000000000000042.WAL",
            "00000000000000000042.log", "0000000000000000004a.wal", "-0000000000000000042.wal",
            "000000000000000000042.wal", "0000000000000000042.wal", "09223372036854775808.wal",
            "99999999999999999999.wal", ".wal", "lock", "00000000000000000042.wal.tmp"})
    void foreignNamesAreNotSegments(String name) {
        assertEquals(-1, SegmentFiles.parseId(Path.of(name)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentFiles.requireId(dir.resolve(name)));
        assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("00000000000000000042.wal"), "shows the expected form: " + e.getMessage());
    }

    @Test
    void rootHasNoId() {
        assertEquals(-1, SegmentFiles.parseId(dir.getRoot()));
    }

    @Test
    void listSortsSegmentsByIdAndSkipsTheRest() throws Exception {
        for (long id : new long[]{10, 2, 9, 100}) {
            Files.write(SegmentFiles.path(dir, id), new byte[1]);
        }
        Files.write(dir.resolve("00000000000000000005.wal.broken"), new byte[1]);
        Files.write(dir.resolve("notes.txt"), new byte[1]);
        Files.write(dir.resolve("7.wal"), new byte[1]);
        Files.createDirectory(SegmentFiles.path(dir, 3)); // a directory with a segment name
        List<Path> segments = SegmentFiles.list(dir);
        assertEquals(List.of(SegmentFiles.path(dir, 2), SegmentFiles.path(dir, 9), SegmentFiles.path(dir, 10),
                SegmentFiles.path(dir, 100)), segments);
    }

    @Test
    void listOfAnEmptyDirectoryIsEmpty() throws Exception {
        assertEquals(List.of(), SegmentFiles.list(dir));
    }

    @Test
    void mapReadOnlyMapsTheWholeFile() throws Exception {
        Path file = dir.resolve("f");
        Files.write(file, new byte[]{1, 2, 3});
        ByteBuffer b = SegmentFiles.mapReadOnly(file);
        assertTrue(b.isReadOnly());
        assertEquals(3, b.remaining());
        assertEquals(3, b.get(2));
        Files.write(file, new byte[0]);
        assertEquals(0, SegmentFiles.mapReadOnly(file).remaining());
    }
}
