package io.flashstrike.wal.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file system that delegates every call to the default one, on the same real files, except the
 * failures it is told to inject. Paths it hands out ({@link #wrap}) carry it as their file system,
 * so any code that goes through {@code Files}, {@code FileChannel.open} and the path's provider —
 * as the recovery pipeline does — reaches the injected faults without root, FUSE or a broken disk.
 *
 * <p>A fault names an operation and a file name (the last path element, e.g.
 * {@code 00000000000000000003.wal}, or the directory's name for {@link Op#LIST}); it fires every
 * time that operation touches that file, and {@link #fired} counts it. Thread-safe: the pipeline
 * opens, maps and closes on its worker thread.
 */
public final class FaultyFileSystem extends FileSystem {
    /** The operations a fault can hit. */
    public enum Op {
        /** {@code newDirectoryStream} of the directory throws an {@link IOException}. */
        LIST,
        /** {@code FileChannel.open} throws an {@link IOException}. */
        OPEN,
        /** {@code FileChannel.size()} throws (the first read of an opened segment). */
        SIZE,
        /** {@code FileChannel.map} throws an {@link IOException}. */
        MAP,
        /** {@code FileChannel.map} throws an unchecked exception (a provider bug). */
        MAP_UNCHECKED,
        /** {@code FileChannel.map} throws an {@link Error} that is not the JVM's mapped-memory fault. */
        MAP_ERROR,
        /** {@code FileChannel.map} maps, then truncates the real file to {@code argument} bytes: touching the pages past it raises SIGBUS. */
        TRUNCATE_AFTER_MAP,
        /** {@code FileChannel.close} closes the real channel, then throws an {@link IOException}. */
        CLOSE
    }

    /** One injected fault: {@code op} on the file named {@code fileName}, with an argument (a size). */
    public record Fault(Op op, String fileName, long argument) {
    }

    private final FileSystem delegate = FileSystems.getDefault();
    private final FileSystemProvider real = delegate.provider();
    private final Provider provider = new Provider();
    private final Map<Op, Fault> faults = new ConcurrentHashMap<>();
    private final Map<Op, AtomicInteger> fired = new ConcurrentHashMap<>();

    /** Injects {@code op} on the file named {@code fileName}; replaces an earlier fault of the same op. */
    public FaultyFileSystem fail(Op op, String fileName) {
        return fail(op, fileName, 0);
    }

    /** Same, with the truncation size of {@link Op#TRUNCATE_AFTER_MAP}. */
    public FaultyFileSystem fail(Op op, String fileName, long argument) {
        faults.put(op, new Fault(op, fileName, argument));
        return this;
    }

    /** @return how many times {@code op} was injected */
    public int fired(Op op) {
        AtomicInteger n = fired.get(op);
        return n == null ? 0 : n.get();
    }

    /** @return {@code realPath} as a path of this file system (same file, same string form) */
    public Path wrap(Path realPath) {
        return realPath == null ? null : new FaultyPath(this, realPath);
    }

    /** @return the default-file-system path behind {@code p} (or {@code p} itself if it is not ours) */
    public static Path unwrap(Path p) {
        return p instanceof FaultyPath f ? f.real : p;
    }

    /** @return the fault for {@code op} on {@code path}, counted as fired, or null */
    private Fault hit(Op op, Path path) {
        Fault f = faults.get(op);
        Path name = path.getFileName();
        if (f == null || name == null || !f.fileName().equals(name.toString())) {
            return null;
        }
        fired.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        return f;
    }

    private static IOException injected(Op op, Path path) {
        return new IOException("injected I/O error: " + op.name().toLowerCase(java.util.Locale.ROOT) + " of " + path);
    }

    // ---- FileSystem -------------------------------------------------------------------------

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        // the default file system cannot be closed; nothing of ours to release
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return delegate.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        delegate.getRootDirectories().forEach(r -> roots.add(wrap(r)));
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return delegate.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return delegate.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(delegate.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = delegate.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(unwrap(p));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return delegate.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on " + getClass().getSimpleName());
    }

    // ---- the provider -----------------------------------------------------------------------

    private final class Provider extends FileSystemProvider {
        @Override
        public String getScheme() {
            return "faulty";
        }

        @Override
        public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileSystem getFileSystem(URI uri) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Path getPath(URI uri) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            if (hit(Op.OPEN, path) != null) {
                throw injected(Op.OPEN, path);
            }
            return real.newByteChannel(unwrap(path), options, attrs);
        }

        @Override
        public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            if (hit(Op.OPEN, path) != null) {
                throw injected(Op.OPEN, path);
            }
            return new FaultyChannel(path, real.newFileChannel(unwrap(path), options, attrs));
        }

        @Override
        public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
                throws IOException {
            if (hit(Op.LIST, dir) != null) {
                throw injected(Op.LIST, dir);
            }
            DirectoryStream<Path> entries = real.newDirectoryStream(unwrap(dir), p -> filter.accept(wrap(p)));
            return new DirectoryStream<>() {
                @Override
                public Iterator<Path> iterator() {
                    Iterator<Path> it = entries.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Path next() {
                            return wrap(it.next());
                        }
                    };
                }

                @Override
                public void close() throws IOException {
                    entries.close();
                }
            };
        }

        @Override
        public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
            real.createDirectory(unwrap(dir), attrs);
        }

        @Override
        public void delete(Path path) throws IOException {
            real.delete(unwrap(path));
        }

        @Override
        public void copy(Path source, Path target, CopyOption... options) throws IOException {
            real.copy(unwrap(source), unwrap(target), options);
        }

        @Override
        public void move(Path source, Path target, CopyOption... options) throws IOException {
            real.move(unwrap(source), unwrap(target), options);
        }

        @Override
        public boolean isSameFile(Path path, Path path2) throws IOException {
            return real.isSameFile(unwrap(path), unwrap(path2));
        }

        @Override
        public boolean isHidden(Path path) throws IOException {
            return real.isHidden(unwrap(path));
        }

        @Override
        public FileStore getFileStore(Path path) throws IOException {
            return real.getFileStore(unwrap(path));
        }

        @Override
        public void checkAccess(Path path, AccessMode... modes) throws IOException {
            real.checkAccess(unwrap(path), modes);
        }

        @Override
        public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
            return real.getFileAttributeView(unwrap(path), type, options);
        }

        @Override
        public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
                throws IOException {
            return real.readAttributes(unwrap(path), type, options);
        }

        @Override
        public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
                throws IOException {
            return real.readAttributes(unwrap(path), attributes, options);
        }

        @Override
        public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
            real.setAttribute(unwrap(path), attribute, value, options);
        }
    }

    // ---- the channel ------------------------------------------------------------------------

    /** A file channel on the real file, failing where told. */
    private final class FaultyChannel extends FileChannel {
        private final Path path;
        private final FileChannel channel;

        FaultyChannel(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public long size() throws IOException {
            if (hit(Op.SIZE, path) != null) {
                throw injected(Op.SIZE, path);
            }
            return channel.size();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            if (hit(Op.MAP, path) != null) {
                throw injected(Op.MAP, path);
            }
            if (hit(Op.MAP_UNCHECKED, path) != null) {
                throw new IllegalStateException("injected provider bug: map of " + path);
            }
            if (hit(Op.MAP_ERROR, path) != null) {
                throw new InjectedError("injected error: map of " + path);
            }
            MappedByteBuffer mapped = channel.map(mode, position, size);
            Fault cut = hit(Op.TRUNCATE_AFTER_MAP, path);
            if (cut != null) {
                try (FileChannel w = real.newFileChannel(unwrap(path), Set.of(StandardOpenOption.WRITE))) {
                    w.truncate(cut.argument());
                }
            }
            return mapped;
        }

        @Override
        protected void implCloseChannel() throws IOException {
            channel.close();
            if (hit(Op.CLOSE, path) != null) {
                throw injected(Op.CLOSE, path);
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return channel.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return channel.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return channel.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            channel.position(newPosition);
            return this;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            channel.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            channel.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return channel.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return channel.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return channel.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return channel.write(src, position);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return channel.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return channel.tryLock(position, size, shared);
        }
    }

    /** What {@link Op#MAP_ERROR} throws: an error the pipeline does not expect, as from a JVM or provider bug. */
    public static final class InjectedError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedError(String message) {
            super(message);
        }
    }

    // ---- the path ---------------------------------------------------------------------------

    /** A path of the default file system, presented as one of ours. */
    private static final class FaultyPath implements Path {
        private final FaultyFileSystem fs;
        private final Path real;

        FaultyPath(FaultyFileSystem fs, Path real) {
            this.fs = fs;
            this.real = Objects.requireNonNull(real);
        }

        @Override
        public FileSystem getFileSystem() {
            return fs;
        }

        @Override
        public boolean isAbsolute() {
            return real.isAbsolute();
        }

        @Override
        public Path getRoot() {
            return fs.wrap(real.getRoot());
        }

        @Override
        public Path getFileName() {
            return fs.wrap(real.getFileName());
        }

        @Override
        public Path getParent() {
            return fs.wrap(real.getParent());
        }

        @Override
        public int getNameCount() {
            return real.getNameCount();
        }

        @Override
        public Path getName(int index) {
            return fs.wrap(real.getName(index));
        }

        @Override
        public Path subpath(int beginIndex, int endIndex) {
            return fs.wrap(real.subpath(beginIndex, endIndex));
        }

        @Override
        public boolean startsWith(Path other) {
            return real.startsWith(unwrap(other));
        }

        @Override
        public boolean endsWith(Path other) {
            return real.endsWith(unwrap(other));
        }

        @Override
        public Path normalize() {
            return fs.wrap(real.normalize());
        }

        @Override
        public Path resolve(Path other) {
            return fs.wrap(real.resolve(unwrap(other)));
        }

        @Override
        public Path relativize(Path other) {
            return fs.wrap(real.relativize(unwrap(other)));
        }

        @Override
        public URI toUri() {
            return real.toUri();
        }

        @Override
        public Path toAbsolutePath() {
            return fs.wrap(real.toAbsolutePath());
        }

        @Override
        public Path toRealPath(LinkOption... options) throws IOException {
            return fs.wrap(real.toRealPath(options));
        }

        @Override
        public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
            throw new UnsupportedOperationException("no watch service on " + fs.getClass().getSimpleName());
        }

        @Override
        public int compareTo(Path other) {
            return real.compareTo(unwrap(other));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FaultyPath p && p.fs == fs && p.real.equals(real);
        }

        @Override
        public int hashCode() {
            return real.hashCode();
        }

        @Override
        public String toString() {
            return real.toString();
        }
    }
}
