package io.flashstrike.wal.segment;

import io.flashstrike.wal.testsupport.FaultyFileSystem;
import io.flashstrike.wal.testsupport.Jdk25;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MappedSegment} with both versions of its {@code Mapper}: the JDK 17 one in this JVM
 * (surefire's class path is target/classes, where the JDK 17 class wins on every JDK), the JDK 22
 * one in a child JVM of JDK 25 with {@code META-INF/versions/22} first on its class path. A test
 * never touches a mapping the JDK 17 version released: that would crash this JVM.
 */
class MappedSegmentTest {
    private static final Path VERSIONS_22 = PackagedCli.ROOT.resolve("target/classes/META-INF/versions/22");

    @TempDir
    Path dir;

    @Test
    void mapsTheWholeFileAndUnmapsOnClose() throws Exception {
        byte[] content = bytes(10_000);
        Path file = Files.write(dir.resolve("segment"), content);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedSegment mapping = MappedSegment.mapReadOnly(channel, channel.size());
            ByteBuffer b = mapping.buffer();
            assertTrue(b.isReadOnly());
            byte[] read = new byte[b.remaining()];
            b.duplicate().get(read);
            assertArrayEquals(content, read);
            assertFalse(mapping.unmapped());
            mapping.close();
            assertTrue(mapping.unmapped(), "invokeCleaner unmaps on JDK 17 to 25");
            assertNull(mapping.buffer());
            mapping.close(); // idempotent
            assertTrue(mapping.unmapped());
        }
    }

    @Test
    void mapsAnEmptyFileAndAProvidersChannel() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        try (FileChannel channel = FileChannel.open(empty, StandardOpenOption.READ);
             MappedSegment mapping = MappedSegment.mapReadOnly(channel, 0)) {
            assertEquals(0, mapping.buffer().remaining());
        }
        Path file = Files.write(dir.resolve("segment"), bytes(100));
        try (FileChannel channel = FileChannel.open(new FaultyFileSystem().wrap(file), StandardOpenOption.READ);
             MappedSegment mapping = MappedSegment.mapReadOnly(channel, 100)) {
            assertEquals(bytes(100)[99], mapping.buffer().get(99));
        }
    }

    @Test
    void theJdk22VersionUnmapsThroughItsArenaAndALateAccessThrows() throws Exception {
        Path java = Jdk25.java();
        assertTrue(Files.isDirectory(VERSIONS_22), VERSIONS_22 + " is missing: the pom's java22-* profiles compile it"
                + " (Maven on JDK 22+, or " + Jdk25.TEMURIN_25 + " installed)");
        byte[] content = bytes(5000);
        Path file = Files.write(dir.resolve("segment"), content);
        Path log = dir.resolve("probe.log");
        List<String> cmd = List.of(java.toString(), "-cp",
                VERSIONS_22 + File.pathSeparator + System.getProperty("java.class.path"),
                MappedSegmentProbe.class.getName(), file.toString());
        Processes.Result r = Processes.run(cmd, null, log, Duration.ofSeconds(60));
        String out = r.output();
        assertEquals(0, r.exit(), "a crash here is a late access to unmapped memory:\n" + out);
        assertTrue(out.contains("META-INF/versions/22/io/flashstrike/wal/segment/Mapper.class"), out);
        assertTrue(out.contains("mapped: 5000 bytes, first " + content[0]), out);
        assertTrue(out.contains("unmapped: true"), out);
        assertTrue(out.contains("get after close: IllegalStateException"), out);
        assertTrue(out.contains("crc after close: IllegalStateException"), out);
        assertTrue(out.contains("provider channel: unmapped false, still reads " + content[0]), out);
        assertFalse(out.contains("WARNING"), "no sun.misc.Unsafe on JDK 22+:\n" + out);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
