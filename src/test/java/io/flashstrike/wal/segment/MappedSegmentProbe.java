package io.flashstrike.wal.segment;

import io.flashstrike.wal.testsupport.FaultyFileSystem;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Run by {@link MappedSegmentTest} in a child JVM of JDK 25 whose class path puts
 * {@code target/classes/META-INF/versions/22} first, as a multi-release jar does: touches a
 * released mapping on purpose, which the JDK 17 version would answer with a crash. Prints one
 * line per finding for the test to check.
 */
public final class MappedSegmentProbe {
    private MappedSegmentProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        System.out.println("class: " + Mapper.class.getResource("Mapper.class"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedSegment mapping = MappedSegment.mapReadOnly(channel, channel.size());
            ByteBuffer view = mapping.buffer().asReadOnlyBuffer(); // what replay reads
            System.out.println("mapped: " + view.remaining() + " bytes, first " + view.get(0));
            mapping.close();
            System.out.println("unmapped: " + mapping.unmapped());
            System.out.println("get after close: " + outcome(() -> view.get(0)));
            System.out.println("crc after close: " + outcome(() -> new CRC32C().update(view.duplicate())));
        }
        // A provider's own FileChannel cannot map into an arena: mapped the old way, left to the GC.
        Path faulty = new FaultyFileSystem().wrap(file);
        try (FileChannel channel = FileChannel.open(faulty, StandardOpenOption.READ)) {
            MappedSegment mapping = MappedSegment.mapReadOnly(channel, channel.size());
            ByteBuffer view = mapping.buffer();
            mapping.close();
            System.out.println("provider channel: unmapped " + mapping.unmapped() + ", still reads " + view.get(0));
        }
    }

    private static String outcome(Runnable access) {
        try {
            access.run();
            return "no exception";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }
}
