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
 * Maps a {@link MappedSegment} on JDK 17 to 21; JDK 22 and later load the other version of this
 * class, from the jar's {@code META-INF/versions/22}. Java 17 has no public unmap, so this one
 * calls {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}); without it the GC
 * unmaps.
 */
final class Mapper {
    private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

    private Mapper() {
    }

    static MappedSegment mapReadOnly(FileChannel channel, long size) throws IOException {
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        return new MappedSegment(buffer, () -> unmap(buffer));
    }

    private static boolean unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return false;
        }
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
            return true;
        } catch (Throwable t) {
            return false; // left to the GC: a later JDK without the method, or a buffer it refuses
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
