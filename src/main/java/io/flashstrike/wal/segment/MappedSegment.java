package io.flashstrike.wal.segment;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only mapping of a segment file that can be released now, not when the GC gets to it.
 *
 * <p>How it is mapped and released depends on the JDK, and the jar is multi-release for it: the
 * package-private {@code Mapper} has a JDK 17 version, which unmaps with
 * {@code sun.misc.Unsafe.invokeCleaner} (Java 17 has no public unmap; without that method the GC
 * unmaps), and a JDK 22 one in {@code META-INF/versions/22} (source in {@code src/main/java22}),
 * which maps into a shared {@code Arena} and releases by closing it. JDK 22 and later load the
 * latter, so JDK 24 and later, which print a warning on the host's stderr the first time
 * {@code invokeCleaner} is called, never see it. Close every mapping: on JDK 22 and later the GC
 * never releases one, and a mapping never closed stays mapped until the JVM exits.
 *
 * <h2>Threading</h2>
 * One thread at a time maps and closes. Other threads may read {@link #buffer()} (received
 * through a safe publication) until {@link #close()}, and never after. A view used after the
 * close reads unmapped memory: on JDK 17 to 21 that crashes the JVM; on JDK 22 and later it throws
 * {@link IllegalStateException}, and so does a close racing an operation that holds the memory
 * (an I/O call, {@code CRC32C.update}). In the recovery pipeline the preloader worker maps and
 * closes, and closes only after the replay thread has handed the segment back and dropped every
 * view.
 */
public final class MappedSegment implements AutoCloseable {
    /** Releases one mapping: {@code true} when unmapped now, {@code false} when left to the GC. */
    @FunctionalInterface
    interface Release {
        boolean release();
    }

    private final Release release;
    private MappedByteBuffer buffer;
    private boolean unmapped;

    MappedSegment(MappedByteBuffer buffer, Release release) {
        this.buffer = buffer;
        this.release = release;
    }

    /**
     * Maps the first {@code size} bytes of {@code channel} read-only. The mapping outlives the
     * channel: closing the channel does not unmap it, {@link #close()} does.
     */
    public static MappedSegment mapReadOnly(FileChannel channel, long size) throws IOException {
        return Mapper.mapReadOnly(channel, size);
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
     * Unmaps now when this JDK lets us, else drops our reference for the GC. Idempotent.
     *
     * @throws IllegalStateException (JDK 22+) if another thread is in an operation holding the
     *                               memory; the mapping is kept then, and a later close releases it
     */
    @Override
    public void close() {
        if (buffer == null) {
            return;
        }
        unmapped = release.release();
        buffer = null;
    }
}
