package io.flashstrike.wal.segment;

import java.nio.ByteOrder;

/**
 * The one place that knows where every byte of a WAL segment lives. Writer, verifier and cursor
 * read offsets only from here, so a layout change is a change to this class (and a
 * {@link #VERSION} bump), never a hunt through three code bases. Offsets are chained: each is the
 * previous one plus the previous field's width, so fields cannot overlap by a typo.
 *
 * <p>All multi-byte integers are <b>little-endian</b> ({@link #BYTE_ORDER}): the byte order of
 * the machines the WAL runs on, so a mapped buffer reads fields without swapping.
 *
 * <h2>Segment</h2>
 * A segment is a fixed-size file ({@link #SEGMENT_SIZE_OFFSET declared in its header}): a 64-byte
 * header, records packed back to back from offset {@link #HEADER_SIZE}, then zero padding to the
 * end. A record never straddles two segments. A zero {@code LENGTH} where a record would start
 * (or the end of the segment) ends the records.
 * <pre>
 *  0        8     12      16          24        32       36                   60      64
 *  +--------+-----+-------+-----------+---------+--------+--------------------+-------+
 *  | MAGIC  | VER | SEG   | SEGMENT   | BASE    | PREV   | RESERVED (zero)    | HEADER|
 *  | "FSWAL | u32 | SIZE  | ID        | LSN     | CHAIN  |                    | CRC   |
 *  |  SEG"  |     | u32   | u64       | u64     | CRC u32|                    | u32   |
 *  +--------+-----+-------+-----------+---------+--------+--------------------+-------+
 *  HEADER_CRC = CRC32C(bytes [0, 60))
 * </pre>
 *
 * <h2>Record</h2>
 * Every record starts at a multiple of {@link #ALIGNMENT} (8) bytes, so its LSN and payload are
 * 8-byte aligned in a mapped buffer; the 0..7 padding bytes after it are zero and not checksummed.
 * <pre>
 *  +0       +4     +6      +8              +16     +20        +24
 *  +--------+------+-------+---------------+-------+----------+----------------------+-----+
 *  | LENGTH | TYPE | FLAGS | LSN           | CRC   | RESERVED | PAYLOAD              | pad |
 *  | u32    | u16  | u16=0 | u64           | u32   | u32 = 0  | LENGTH - 24 bytes    | 0-7 |
 *  +--------+------+-------+---------------+-------+----------+----------------------+-----+
 *  LENGTH = 24 + payload length (0 = no more records in this segment)
 *  CRC    = CRC32C(le32(seed) ++ bytes [+0, +16) ++ bytes [+20, +LENGTH))
 *  seed   = CRC of the previous record, or HEADER_CRC for the segment's first record
 * </pre>
 * The header's {@code PREV_CHAIN_CRC} is the last record CRC of the previous segment (its header
 * CRC if it has no records; {@link #INITIAL_CHAIN_CRC} for the first segment of a log), and the
 * header CRC covers it: one unbroken checksum chain runs through the whole log. See
 * {@code docs/FORMAT.md} for the full rules.
 */
public final class SegmentLayout {
    /** Byte order of every multi-byte field. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** The ASCII bytes {@code "FSWALSEG"} read as a little-endian {@code u64}. */
    public static final long MAGIC = 0x4745_534C_4157_5346L;
    /** The format version this code writes and the only one it reads. */
    public static final int VERSION = 1;
    /** Records start at multiples of this; segment sizes are multiples of it. */
    public static final int ALIGNMENT = 8;
    /**
     * Chain value that anchors the first segment of a log (its {@code PREV_CHAIN_CRC}). Any fixed
     * value works; a non-zero one cannot be produced by a zero-filled header.
     */
    public static final int INITIAL_CHAIN_CRC = 0x5EED_F1A5;

    // ---- segment header --------------------------------------------------------------------
    /** {@code u64} magic, {@link #MAGIC}. */
    public static final int MAGIC_OFFSET = 0;
    /** {@code u32} format version, {@link #VERSION}. */
    public static final int VERSION_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** {@code u32} size of the whole segment file in bytes, a multiple of {@link #ALIGNMENT}. */
    public static final int SEGMENT_SIZE_OFFSET = VERSION_OFFSET + Integer.BYTES;
    /** {@code u64} segment id, the number in the file name. */
    public static final int SEGMENT_ID_OFFSET = SEGMENT_SIZE_OFFSET + Integer.BYTES;
    /** {@code u64} LSN of the segment's first record (the next LSN if it has none). */
    public static final int BASE_LSN_OFFSET = SEGMENT_ID_OFFSET + Long.BYTES;
    /** {@code u32} chain value of the previous segment, or {@link #INITIAL_CHAIN_CRC}. */
    public static final int PREV_CHAIN_CRC_OFFSET = BASE_LSN_OFFSET + Long.BYTES;
    /** Zero bytes, room for future fields; covered by the header CRC. */
    public static final int HEADER_RESERVED_OFFSET = PREV_CHAIN_CRC_OFFSET + Integer.BYTES;
    /** Width of the reserved area, chosen so that the header is 64 bytes. */
    public static final int HEADER_RESERVED_SIZE = 24;
    /** {@code u32} CRC32C of header bytes {@code [0, HEADER_CRC_OFFSET)}; seeds the first record. */
    public static final int HEADER_CRC_OFFSET = HEADER_RESERVED_OFFSET + HEADER_RESERVED_SIZE;
    /** Size of the header; the first record starts here. */
    public static final int HEADER_SIZE = HEADER_CRC_OFFSET + Integer.BYTES;

    // ---- record header (offsets relative to the record start) ---------------------------------
    /** {@code u32} record length: header plus payload, without alignment padding; 0 ends the records. */
    public static final int RECORD_LENGTH_OFFSET = 0;
    /** {@code u16} record type, {@link #MIN_RECORD_TYPE}..{@link #MAX_RECORD_TYPE}. */
    public static final int RECORD_TYPE_OFFSET = RECORD_LENGTH_OFFSET + Integer.BYTES;
    /** {@code u16} flags, zero in version 1; covered by the CRC. */
    public static final int RECORD_FLAGS_OFFSET = RECORD_TYPE_OFFSET + Short.BYTES;
    /** {@code u64} log sequence number: previous record's LSN + 1. */
    public static final int RECORD_LSN_OFFSET = RECORD_FLAGS_OFFSET + Short.BYTES;
    /** {@code u32} chained CRC32C of the record (everything but this field), see the class doc. */
    public static final int RECORD_CRC_OFFSET = RECORD_LSN_OFFSET + Long.BYTES;
    /** {@code u32} zero in version 1; keeps the payload 8-byte aligned; covered by the CRC. */
    public static final int RECORD_RESERVED_OFFSET = RECORD_CRC_OFFSET + Integer.BYTES;
    /** First payload byte. */
    public static final int RECORD_PAYLOAD_OFFSET = RECORD_RESERVED_OFFSET + Integer.BYTES;
    /** Size of the record header: the smallest valid {@code LENGTH} (an empty payload). */
    public static final int RECORD_HEADER_SIZE = RECORD_PAYLOAD_OFFSET;

    /** Smallest record type; 0 is reserved so that zero-filled bytes never look like a record. */
    public static final int MIN_RECORD_TYPE = 1;
    /** Largest record type (a {@code u16}). */
    public static final int MAX_RECORD_TYPE = 0xFFFF;
    /** Smallest segment: a header and no room for records. */
    public static final int MIN_SEGMENT_SIZE = HEADER_SIZE;
    /** Largest segment: one {@link java.nio.MappedByteBuffer} must hold it. */
    public static final int MAX_SEGMENT_SIZE = Integer.MAX_VALUE & -ALIGNMENT;

    static {
        if (HEADER_SIZE != 64 || RECORD_HEADER_SIZE % ALIGNMENT != 0) {
            throw new ExceptionInInitializerError("segment layout drifted: header " + HEADER_SIZE
                    + " bytes, record header " + RECORD_HEADER_SIZE + " bytes");
        }
    }

    private SegmentLayout() {
    }

    /** @return {@code offset} rounded up to the next multiple of {@link #ALIGNMENT} */
    public static long align(long offset) {
        return (offset + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** @return the record {@code LENGTH} for a payload of this many bytes */
    public static long recordLength(long payloadLength) {
        return RECORD_HEADER_SIZE + payloadLength;
    }

    /** @return bytes a record with this payload occupies in a segment, alignment padding included */
    public static long recordSpan(long payloadLength) {
        return align(recordLength(payloadLength));
    }

    /** @return how many records with this payload length fit in one segment of this size */
    public static long recordsPerSegment(int segmentSize, int payloadLength) {
        return (segmentSize - HEADER_SIZE) / recordSpan(payloadLength);
    }

    /** @return the largest payload that fits in an otherwise empty segment of this size (may be negative) */
    public static long maxPayload(int segmentSize) {
        return segmentSize - HEADER_SIZE - (long) RECORD_HEADER_SIZE;
    }

    /** @return why {@code size} cannot be a segment size, or {@code null} if it can */
    public static String segmentSizeProblem(long size) {
        if (size < MIN_SEGMENT_SIZE || size > MAX_SEGMENT_SIZE) {
            return "segment size " + size + " is outside [" + MIN_SEGMENT_SIZE + ", " + MAX_SEGMENT_SIZE + "]";
        }
        if (size % ALIGNMENT != 0) {
            return "segment size " + size + " is not a multiple of " + ALIGNMENT;
        }
        return null;
    }

    /**
     * @return {@code size} as an {@code int}
     * @throws IllegalArgumentException if it cannot be a segment size
     */
    public static int checkSegmentSize(long size) {
        String problem = segmentSizeProblem(size);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return (int) size;
    }

    /**
     * @throws IllegalArgumentException if {@code type} is not a valid record type
     */
    public static int checkRecordType(int type) {
        if (type < MIN_RECORD_TYPE || type > MAX_RECORD_TYPE) {
            throw new IllegalArgumentException("record type " + type + " is outside ["
                    + MIN_RECORD_TYPE + ", " + MAX_RECORD_TYPE + "]");
        }
        return type;
    }
}
