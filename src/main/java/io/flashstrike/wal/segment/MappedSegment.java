package io.flashstrike.wal.segment;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only mapping of a segment file that can be released now, not when the GC gets to it.
 *
 * <p>The jar is multi-release and holds two versions of this class. This one (JDK 17 to 21) maps
 * with {@link FileChannel#map(FileChannel.MapMode, long, long)} and unmaps with
 * {@code sun.misc.Unsafe.invokeCleaner}: Java 17 has no public unmap. JDK 24 and later print a
 * warning on the host's stderr the first time that method is called, so JDK 22 and later load
 * the version in {@code META-INF/versions/22}, which maps into a shared {@code Arena} and
 * releases by closing it (source in {@code src/main/java22}). Without {@code invokeCleaner} the
 * GC unmaps: correct, only later. Close every mapping all the same: on JDK 22 and later the GC
 * never releases one, and a mapping never closed stays mapped until the JVM exits.
 *
 * <h2>Threading</h2>
 * One thread at a time maps and closes. Other threads may read {@link #buffer()} (received
 * through a safe publication) until {@link #close()}, and never after: with this version,
 * touching an unmapped buffer crashes the JVM; with the JDK 22 version it throws
 * {@link IllegalStateException}. In the recovery pipeline the preloader worker maps and closes,
 * and closes only after the replay thread has handed the segment back and dropped every view.
 */
public final class MappedSegment implements AutoCloseable {
    private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

    private MappedByteBuffer buffer;
    private boolean unmapped;

    private MappedSegment(MappedByteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * Maps the first {@code size} bytes of {@code channel} read-only. The mapping outlives the
     * channel: closing the channel does not unmap it, {@link #close()} does.
     */
    public static MappedSegment mapReadOnly(FileChannel channel, long size) throws IOException {
        return new MappedSegment(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
    }

    /** @return the whole mapping, position 0; null once closed */
    public MappedByteBuffer buffer() {
        return buffer;
    }

    /** @return {@code true} once {@link #close()} released the memory; {@code false} before, and when it was left to the GC */
    public boolean unmapped() {
        return unmapped;
    }

    /** Unmaps now when the JDK lets us, else drops our reference for the GC. Idempotent. */
    @Override
    public void close() {
        MappedByteBuffer b = buffer;
        buffer = null;
        if (b == null || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) b);
            unmapped = true;
        } catch (Throwable t) {
            // left to the GC: a later JDK without the method, or a buffer it refuses
        }
    }

    private static MethodHandle findInvokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
