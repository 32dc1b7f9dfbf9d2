package io.flashstrike.wal.segment;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Maps a {@link MappedSegment} on JDK 22 and later (the multi-release jar's
 * {@code META-INF/versions/22}; the JDK 17 version is in {@code src/main/java}). It maps through
 * the supported API, {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} into a shared
 * {@link Arena}, and releases by closing the arena: no {@code sun.misc.Unsafe}, so nothing is
 * printed on the host's stderr, and a view used after the close throws
 * {@link IllegalStateException} instead of crashing the JVM. A channel that cannot map into an
 * arena (a file system provider's own {@code FileChannel}: the default method throws
 * {@link UnsupportedOperationException}) is mapped the old way and left to the GC.
 */
final class Mapper {
    private Mapper() {
    }

    static MappedSegment mapReadOnly(FileChannel channel, long size) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            // A mapped segment's buffer view is a MappedByteBuffer (MemorySegment.asByteBuffer).
            MappedByteBuffer buffer =
                    (MappedByteBuffer) channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer();
            return new MappedSegment(buffer, () -> {
                arena.close();
                return true;
            });
        } catch (UnsupportedOperationException notSupported) {
            arena.close();
            return new MappedSegment(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), () -> false);
        } catch (Throwable t) {
            arena.close();
            throw t;
        }
    }
}
