package io.flashstrike.wal.segment;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only mapping of a segment file that can be released now, not when the GC gets to it.
 *
 * <p>The JDK 22+ version of this class (the multi-release jar's {@code META-INF/versions/22}; the
 * JDK 17 version in {@code src/main/java} has the same public API and says why there are two).
 * It maps through the supported API, {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)}
 * into a shared {@link Arena}, and releases by closing the arena: no {@code sun.misc.Unsafe},
 * so nothing is printed on the host's stderr. A channel that cannot map into an arena (a file
 * system provider's own {@code FileChannel}: the default method throws
 * {@link UnsupportedOperationException}) is mapped the old way and left to the GC.
 *
 * <p>Close every mapping: the GC never releases an arena's memory, so a mapping never closed
 * stays mapped until the JVM exits.
 *
 * <h2>Threading</h2>
 * One thread at a time maps and closes. Other threads may read {@link #buffer()} (received
 * through a safe publication) until {@link #close()}, and never after. The arena is shared, so a
 * mistake is an exception, not a crash: an access through any view after the close throws
 * {@link IllegalStateException}, and so does a close racing an operation that holds the memory
 * (an I/O call, {@code CRC32C.update}). In the recovery pipeline the preloader worker maps and
 * closes, and closes only after the replay thread has handed the segment back and dropped every
 * view.
 */
public final class MappedSegment implements AutoCloseable {
    /** Null for a mapping left to the GC. */
    private final Arena arena;
    private MappedByteBuffer buffer;
    private boolean unmapped;

    private MappedSegment(Arena arena, MappedByteBuffer buffer) {
        this.arena = arena;
        this.buffer = buffer;
    }

    /**
     * Maps the first {@code size} bytes of {@code channel} read-only. The mapping outlives the
     * channel: closing the channel does not unmap it, {@link #close()} does.
     */
    public static MappedSegment mapReadOnly(FileChannel channel, long size) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            // A mapped segment's buffer view is a MappedByteBuffer (MemorySegment.asByteBuffer).
            return new MappedSegment(arena,
                    (MappedByteBuffer) channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer());
        } catch (UnsupportedOperationException notSupported) {
            arena.close();
            return new MappedSegment(null, channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
        } catch (Throwable t) {
            arena.close();
            throw t;
        }
    }

    /** @return the whole mapping, position 0; null once closed */
    public MappedByteBuffer buffer() {
        return buffer;
    }

    /** @return {@code true} once {@link #close()} released the memory; {@code false} before, and when it was left to the GC */
    public boolean unmapped() {
        return unmapped;
    }

    /**
     * Unmaps now (closes the arena), or drops our reference for the GC. Idempotent.
     *
     * @throws IllegalStateException if another thread is in an operation holding the memory; the
     *                               mapping is kept then, and a later close can release it
     */
    @Override
    public void close() {
        if (buffer == null) {
            return;
        }
        if (arena != null) {
            arena.close();
            unmapped = true;
        }
        buffer = null;
    }
}
