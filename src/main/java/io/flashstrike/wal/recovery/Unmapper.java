package io.flashstrike.wal.recovery;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a {@link MappedByteBuffer} now rather than when the GC gets to it.
 *
 * <p>Java 17 has no public unmap; {@code sun.misc.Unsafe.invokeCleaner} (module
 * {@code jdk.unsupported}, kept on JDK 25) does it. Without it, segments are released by the GC:
 * correct, only later. The caller must guarantee that no view of the buffer is used afterwards:
 * touching unmapped memory crashes the JVM. In this pipeline a segment is unmapped only by the
 * preloader worker, after the replay thread has handed it back and dropped every view.
 */
public final class Unmapper {
    private static final MethodHandle INVOKE_CLEANER = find();

    private Unmapper() {
    }

    /** @return {@code true} when unmapped now, {@code false} when left to the GC */
    public static boolean unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null || buffer == null) {
            return false;
        }
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    private static MethodHandle find() {
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
