package io.flashstrike.wal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Generates a valid WAL directory of any size, for tests, benchmarks and the CLI: {@code
 * segments} files of {@code segmentSize} bytes, each filled with as many records of {@code
 * payloadSize} bytes as fit (free space at the end of each segment is less than one record),
 * payloads from {@link PayloadPattern} so their content is checkable, one checksum chain from
 * {@link SegmentLayout#INITIAL_CHAIN_CRC} through every segment.
 *
 * <p>Speed: one direct chunk ({@link #chunkSize}) reused for every segment, payloads written in
 * place, one {@code write} per chunk; a gibibyte takes a few seconds, mostly the file system's.
 *
 * <p>Configure with the fluent setters, then {@link #generate()}. Existing segment files are not
 * overwritten ({@link java.nio.file.FileAlreadyExistsException}). The generator is a writer: it
 * holds the directory's {@link WalDirectoryLock} exclusively while it writes, so it never writes
 * under a recovery or a repair of the same directory, nor they under it.
 */
public final class WalGenerator {
    /** Record type of generated records. */
    public static final int DEFAULT_RECORD_TYPE = 1;
    /** Chunk size unless configured: large sequential writes, small enough to stay in cache. */
    public static final int DEFAULT_CHUNK_SIZE = 4 << 20;

    /** Told how far generation got, after every chunk written; for progress bars. */
    @FunctionalInterface
    public interface Progress {
        /** @param bytesWritten bytes of segment files written so far, out of {@code totalBytes} */
        void update(long bytesWritten, long totalBytes);
    }

    /**
     * What was generated: the values a caller needs to append to, or verify, the log.
     *
     * @param lastChainCrc chain value of the last segment, the seed for the next one
     */
    public record Summary(int segments, long records, long bytes, long firstSegmentId, long firstLsn,
                          long lastLsn, int lastChainCrc) {
    }

    private final Path directory;
    private int segments = 1;
    private int segmentSize = 64 << 20;
    private int payloadSize = 1024;
    private long firstSegmentId;
    private long firstLsn = 1;
    private long payloadSeed;
    private int recordType = DEFAULT_RECORD_TYPE;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private boolean force;
    private Progress progress = (written, total) -> { };

    private WalGenerator(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** @return a generator writing into {@code directory} (created if missing) */
    public static WalGenerator into(Path directory) {
        return new WalGenerator(directory);
    }

    /** Number of segment files (default 1). */
    public WalGenerator segments(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative segment count " + count);
        }
        this.segments = count;
        return this;
    }

    /** Size of each segment file in bytes (default 64 MiB); see {@link SegmentLayout#checkSegmentSize}. */
    public WalGenerator segmentSize(long bytes) {
        this.segmentSize = SegmentLayout.checkSegmentSize(bytes);
        return this;
    }

    /** Payload bytes per record (default 1024). */
    public WalGenerator payloadSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative payload size " + bytes);
        }
        this.payloadSize = bytes;
        return this;
    }

    /** Id of the first segment (default 0); the others follow consecutively. */
    public WalGenerator firstSegmentId(long id) {
        this.firstSegmentId = id;
        return this;
    }

    /** LSN of the first record (default 1). */
    public WalGenerator firstLsn(long lsn) {
        this.firstLsn = lsn;
        return this;
    }

    /** Seed of the payload pattern (default 0): different seeds, different checksum chains. */
    public WalGenerator payloadSeed(long seed) {
        this.payloadSeed = seed;
        return this;
    }

    /** Type of every generated record (default {@link #DEFAULT_RECORD_TYPE}). */
    public WalGenerator recordType(int type) {
        this.recordType = SegmentLayout.checkRecordType(type);
        return this;
    }

    /** Bytes per file write (default {@link #DEFAULT_CHUNK_SIZE}); raised to one record if smaller. */
    public WalGenerator chunkSize(int bytes) {
        if (bytes < SegmentLayout.HEADER_SIZE) {
            throw new IllegalArgumentException("chunk size " + bytes + " is smaller than the header");
        }
        this.chunkSize = bytes;
        return this;
    }

    /** Whether to fsync every segment (default {@code false}: generated data is disposable). */
    public WalGenerator force(boolean fsync) {
        this.force = fsync;
        return this;
    }

    /** Progress listener (default none). */
    public WalGenerator progress(Progress listener) {
        this.progress = Objects.requireNonNull(listener, "progress");
        return this;
    }

    /** @return total bytes {@link #generate()} will write */
    public long totalBytes() {
        return (long) segments * segmentSize;
    }

    /**
     * Writes the segments.
     *
     * @throws IllegalArgumentException if not even one record fits in a segment
     */
    public Summary generate() throws IOException {
        if (SegmentLayout.recordsPerSegment(segmentSize, payloadSize) < 1) {
            throw new IllegalArgumentException("a record with a " + payloadSize + "-byte payload does not fit in a "
                    + segmentSize + "-byte segment (largest payload " + SegmentLayout.maxPayload(segmentSize) + ")");
        }
        if (firstSegmentId < 0 || firstSegmentId > Long.MAX_VALUE - segments || firstLsn < 0) {
            throw new IllegalArgumentException("invalid first segment id " + firstSegmentId + " or first LSN " + firstLsn);
        }
        Files.createDirectories(directory);
        WalDirectoryLock lock = WalDirectoryLock.exclusive(directory);
        try {
            return write();
        } finally {
            lock.close();
        }
    }

    private Summary write() throws IOException {
        long span = SegmentLayout.recordSpan(payloadSize);
        int chunk = (int) Math.min(segmentSize, Math.max(chunkSize, span));
        ByteBuffer buffer = ByteBuffer.allocateDirect(chunk);
        long total = totalBytes();
        long[] written = {0};
        long seed = payloadSeed;
        SegmentWriter.PayloadWriter pattern = (lsn, dst, offset, length) ->
                PayloadPattern.fill(seed, lsn, dst, offset, length);
        int chain = SegmentLayout.INITIAL_CHAIN_CRC;
        long lsn = firstLsn;
        long records = 0;
        progress.update(0, total);
        for (int i = 0; i < segments; i++) {
            long id = firstSegmentId + i;
            try (SegmentWriter writer = SegmentWriter.create(SegmentFiles.path(directory, id), segmentSize, id, lsn,
                    chain, buffer, bytes -> progress.update(written[0] += bytes, total))) {
                while (writer.fits(payloadSize)) {
                    writer.append(recordType, payloadSize, pattern);
                }
                writer.finish(force);
                chain = writer.chainCrc();
                lsn = writer.nextLsn();
                records += writer.recordCount();
            }
        }
        return new Summary(segments, records, total, firstSegmentId, firstLsn, lsn - 1, chain);
    }
}
