package io.redisbackup.backupstore.keyindex;

import static io.redisbackup.backupstore.keyindex.RdbFormat.*;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Walks an RDB stream record by record without decoding any value: for each key, where its entry lies (from its
 * first byte, an expiry or LRU/LFU prefix, else its type byte, to just past its value; offsets count from the
 * {@code REDIS} magic, see shared KEY-INDEX.md), its database, key, type, absolute expiry and the CRC32C of the
 * entry's bytes; and each function library's record. Values are stepped over by their lengths, never copied.
 *
 * <p>It reads its input in large pieces into one buffer and hands every byte it has consumed, in order and in
 * large pieces, to a {@link Sink}: what the backup worker writes to the file and checksums. Bytes after the RDB's
 * end (its EOF opcode and CRC64) may be read ahead; they are never passed on ({@link #remaining}). Memory: the buffer;
 * when records are captured, the buffer grows to hold each record of up to the capture limit, whose bytes
 * {@link #recordBuffer} gives; a larger record is stepped over like any other ({@link #recordHeld} says so), and read
 * again from the file by whoever needs its bytes ({@link RdbEntries#writePayload}).
 *
 * <p>Input is checked as it is read: an unknown opcode, type or encoding, a length past the end of the input or a
 * compressed key that could not decompress to the length it claims is a {@link DamagedBackupException}, never a
 * wrong record. One scanner, one thread.
 *
 * <p>It is the one RDB decoder of the service: the backup worker's snapshot passes through it, the restore worker's
 * recovery of a whole instance reads with it, and {@link RdbEntries} reads one key's stored record with it
 * ({@link #overRecord}). Why it is one long class: the buffer and the stepping over values are one loop that every
 * byte of every backup goes through, kept in one final class so that its reads stay plain array accesses; the
 * constants are in {@link RdbFormat} and LZF in {@link Lzf}.
 */
public final class RdbScanner {

    /** Takes the bytes the scanner has consumed, in order. */
    @FunctionalInterface
    public interface Sink {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    /** What a record is. */
    public enum Kind {
        KEY, FUNCTION
    }

    private final InputStream in;
    private final boolean capture;
    /** How large a record may be and still be kept whole in the buffer. */
    private final long captureLimit;
    /** Whether the current record is still in the buffer (it is captured, and no larger than the limit so far). */
    private boolean held;
    private final Sink sink;
    private final CRC32C crc = new CRC32C();
    private byte[] buf;
    private int pos;
    private int limit;
    /** The absolute offset of {@code buf[0]}. */
    private long base;
    /** Bytes before this absolute offset went to the sink. */
    private long sinkFed;
    /** Bytes of the current record before this absolute offset went into {@link #crc}. */
    private long crcFed;
    private boolean inRecord;
    private int rdbVersion = -1;
    private boolean ended;
    private long trailer;

    private Kind kind;
    private int db;
    private byte[] key;
    private int type;
    private long expireAtMs;
    private long start;
    private long valueStart;
    private long end;
    private int crc32c;

    /**
     * @param in the RDB, from its {@code REDIS} magic
     * @param bufferSize how much to read at a time
     * @param capture keep each record's bytes in the buffer ({@link #recordBuffer})
     * @param sink takes every byte consumed; null for none
     */
    public RdbScanner(InputStream in, int bufferSize, boolean capture, Sink sink) {
        this(in, bufferSize, capture ? Long.MAX_VALUE : 0, sink);
    }

    /**
     * @param captureLimit keep each record of up to this many bytes in the buffer ({@link #recordBuffer}); larger
     *        ones are stepped over ({@link #recordHeld}); 0 for none
     */
    public RdbScanner(InputStream in, int bufferSize, long captureLimit, Sink sink) {
        this.in = in;
        this.buf = new byte[Math.max(bufferSize, 64)];
        this.capture = captureLimit > 0;
        this.captureLimit = captureLimit;
        this.sink = sink;
    }

    /**
     * A scanner over one key's record, as an index entry places it in an RDB of {@code rdbVersion} (no header
     * before it), that keeps the record in its buffer: {@link #next} reads it, and {@link #valueOffset} is where
     * its value starts in the record.
     */
    static RdbScanner overRecord(byte[] record, int rdbVersion) {
        RdbScanner scanner = new RdbScanner(new ByteArrayInputStream(record), record.length, true, null);
        scanner.rdbVersion = rdbVersion;
        return scanner;
    }

    /** {@link #overRecord(byte[], int)} of a record read as it streams by, kept nowhere. */
    static RdbScanner overRecord(InputStream record, int rdbVersion) {
        RdbScanner scanner = new RdbScanner(record, 1 << 16, false, null);
        scanner.rdbVersion = rdbVersion;
        return scanner;
    }

    /** Indexes a whole RDB file into {@code index} (not finished); the file's RDB version. */
    public static int indexFile(InputStream rdb, KeyIndexWriter index) throws IOException {
        RdbScanner scanner = new RdbScanner(rdb, 1 << 16, false, null);
        while (scanner.next()) {
            if (scanner.kind() == Kind.KEY) {
                index.add(scanner.entry());
            }
        }
        return scanner.rdbVersion();
    }

    /**
     * Moves to the next key or function library; false at the RDB's end, after its EOF opcode and checksum, when
     * every byte of the RDB has gone to the sink.
     */
    public boolean next() throws IOException {
        if (rdbVersion < 0) {
            readHeader();
        }
        if (ended) {
            return false;
        }
        beginRecord();
        for (;;) {
            int opcode = readByte();
            switch (opcode) {
                case EXPIRETIME_MS -> expireAtMs = readLongLittleEndian();
                case EXPIRETIME -> expireAtMs = readIntLittleEndian() * 1000L;
                case FREQ -> skip(1);
                case IDLE -> readLength();
                case SELECTDB -> {
                    long number = readLength();
                    if (number > Integer.MAX_VALUE) {
                        throw new DamagedBackupException("The RDB selects database " + number);
                    }
                    db = (int) number;
                    beginRecord();
                }
                case RESIZEDB -> {
                    readLength();
                    readLength();
                    beginRecord();
                }
                case AUX -> {
                    skipString();
                    skipString();
                    beginRecord();
                }
                case MODULE_AUX -> {
                    readLength(); // module id
                    readLength(); // when opcode
                    readLength(); // when
                    skipModuleValue();
                    beginRecord();
                }
                case SLOT_INFO -> {
                    readLength();
                    readLength();
                    readLength();
                    beginRecord();
                }
                case FUNCTION2 -> {
                    skipString();
                    return endRecord(Kind.FUNCTION);
                }
                case FUNCTION_PRE_GA -> {
                    skipString(); // name
                    skipString(); // engine
                    if (readLength() == 1) {
                        skipString(); // description
                    }
                    skipString(); // code
                    return endRecord(Kind.FUNCTION);
                }
                case EOF -> {
                    if (rdbVersion >= 5) {
                        trailer = readLongLittleEndian();
                    }
                    inRecord = false;
                    ended = true;
                    feedSink();
                    return false;
                }
                default -> {
                    type = opcode;
                    key = readKey();
                    valueStart = position();
                    skipValue(opcode);
                    return endRecord(Kind.KEY);
                }
            }
        }
    }

    public int rdbVersion() {
        return rdbVersion;
    }

    /** The CRC64 the RDB ends with (0 when the server does not checksum); after {@link #next} returned false. */
    public long trailer() {
        return trailer;
    }

    public Kind kind() {
        return kind;
    }

    public int db() {
        return db;
    }

    /** The key of the current record, null for a function library; a new array for each key. */
    public byte[] key() {
        return key;
    }

    /** The RDB type byte of the current key's value, -1 for a function library. */
    public int valueType() {
        return type;
    }

    /** The current key's absolute expiry in ms, -1 for none. */
    public long expireAtMs() {
        return expireAtMs;
    }

    /** Where the current record starts, from the magic. */
    public long start() {
        return start;
    }

    /** Just past the current record, from the magic. */
    public long end() {
        return end;
    }

    public int crc32c() {
        return crc32c;
    }

    /** The current key's index entry. */
    public IndexEntry entry() {
        return new IndexEntry(db, key, start, end, type, expireAtMs, crc32c);
    }

    /**
     * Whether the current record's bytes are in {@link #recordBuffer}: it is captured, and no larger than the capture
     * limit.
     */
    public boolean recordHeld() {
        return held;
    }

    /** The buffer that holds the current record's bytes, when held; valid until the next {@link #next}. */
    public byte[] recordBuffer() {
        requireCapture();
        return buf;
    }

    public int recordOffset() {
        requireCapture();
        return (int) (start - base);
    }

    public int recordLength() {
        return (int) (end - start);
    }

    /** Where the current key's value starts, from the magic: after its prefixes, type byte and key. */
    public long valueStart() {
        return valueStart;
    }

    /** Where the current key's value starts in {@link #recordBuffer}: after its prefixes, type byte and key. */
    public int valueOffset() {
        requireCapture();
        return (int) (valueStart - base);
    }

    public int valueLength() {
        return (int) (end - valueStart);
    }

    /** The bytes read after the RDB's end (after {@link #next} returned false), not passed to the sink. */
    public byte[] remaining() {
        return Arrays.copyOfRange(buf, pos, limit);
    }

    /** How many bytes have been consumed, from the magic. */
    public long position() {
        return base + pos;
    }

    private void requireCapture() {
        if (!held) {
            throw new IllegalStateException(capture ? "the record is larger than the scanner keeps"
                    : "the scanner does not keep records");
        }
    }

    private void readHeader() throws IOException {
        fill(9);
        byte[] magic = Arrays.copyOfRange(buf, pos, pos + 9);
        pos += 9;
        String text = new String(magic, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("REDIS") || !text.substring(5).chars().allMatch(Character::isDigit)) {
            throw new DamagedBackupException("Not an RDB file: it does not start with REDIS and a version");
        }
        int version = Integer.parseInt(text.substring(5));
        if (version < 1 || version > MAX_RDB_VERSION) {
            throw new DamagedBackupException("RDB version " + version + " is not known (this service reads 1 to "
                    + MAX_RDB_VERSION + ")");
        }
        rdbVersion = version;
    }

    private void beginRecord() {
        start = position();
        crcFed = start;
        crc.reset();
        inRecord = true;
        held = capture;
        expireAtMs = -1;
        key = null;
        type = -1;
    }

    private boolean endRecord(Kind what) {
        kind = what;
        end = position();
        if (end - start > captureLimit) {
            held = false; // it may still be in the buffer, which grows by doubling: larger records go one way
        }
        crc.update(buf, (int) (crcFed - base), (int) (end - crcFed));
        crcFed = end;
        crc32c = (int) crc.getValue();
        inRecord = false;
        return true;
    }

    private void skipValue(int valueType) throws IOException {
        switch (valueType) {
            case 0 -> skipString(); // string
            case 1, 2 -> skipStrings(readLength()); // list, set
            case 3 -> { // sorted set, scores as text
                for (long n = readLength(); n > 0; n--) {
                    skipString();
                    int length = readByte();
                    if (length < 253) {
                        skip(length);
                    }
                }
            }
            case 4 -> skipStrings(2 * checkedCount(readLength())); // hash
            case 5 -> { // sorted set, binary scores
                for (long n = readLength(); n > 0; n--) {
                    skipString();
                    skip(8);
                }
            }
            case 6 -> throw new DamagedBackupException("A key holds a module value in the first module format (RDB "
                    + "type 6), which cannot be read without the module");
            case 7 -> { // module, self-describing
                readLength();
                skipModuleValue();
            }
            // zipmap, ziplist, intset, listpack encodings: one string each
            case 9, 10, 11, 12, 13, 16, 17, 20 -> skipString();
            case 14 -> skipStrings(readLength()); // quicklist of ziplists
            case 18 -> { // quicklist of listpacks
                for (long n = readLength(); n > 0; n--) {
                    readLength();
                    skipString();
                }
            }
            case 15, 19, 21 -> skipStream(valueType);
            case 24 -> { // hash with field expiries
                skip(8);
                for (long n = readLength(); n > 0; n--) {
                    readLength();
                    skipString();
                    skipString();
                }
            }
            case 25 -> { // listpack hash with field expiries
                skip(8);
                skipString();
            }
            default -> throw new DamagedBackupException("Unknown RDB type or opcode " + valueType + " at byte "
                    + (position() - 1));
        }
    }

    private void skipStream(int valueType) throws IOException {
        for (long n = readLength(); n > 0; n--) {
            skipString(); // master id
            skipString(); // listpack
        }
        int metadata = valueType == 15 ? 3 : 8;
        for (int i = 0; i < metadata; i++) {
            readLength();
        }
        for (long groups = readLength(); groups > 0; groups--) {
            skipString(); // name
            readLength(); // last id
            readLength();
            if (valueType >= 19) {
                readLength(); // entries read
            }
            for (long pending = readLength(); pending > 0; pending--) {
                skip(16 + 8); // id, delivery time
                readLength(); // delivery count
            }
            for (long consumers = readLength(); consumers > 0; consumers--) {
                skipString(); // name
                skip(valueType >= 21 ? 16 : 8); // seen time, and active time
                for (long pending = readLength(); pending > 0; pending--) {
                    skip(16);
                }
            }
        }
    }

    private void skipModuleValue() throws IOException {
        for (;;) {
            long opcode = readLength();
            if (opcode == 0) {
                return;
            } else if (opcode == 1 || opcode == 2) {
                readLength();
            } else if (opcode == 3) {
                skip(4);
            } else if (opcode == 4) {
                skip(8);
            } else if (opcode == 5) {
                skipString();
            } else {
                throw new DamagedBackupException("Unknown module value opcode " + opcode);
            }
        }
    }

    private void skipStrings(long count) throws IOException {
        for (long n = count; n > 0; n--) {
            skipString();
        }
    }

    private static long checkedCount(long count) throws DamagedBackupException {
        if (count > Long.MAX_VALUE / 2) {
            throw new DamagedBackupException("A hash claims " + count + " fields");
        }
        return count;
    }

    private void skipString() throws IOException {
        int first = readByte();
        if (first >>> 6 != 3) {
            skip(lengthFrom(first));
            return;
        }
        switch (first & 0x3f) {
            case ENC_INT8 -> skip(1);
            case ENC_INT16 -> skip(2);
            case ENC_INT32 -> skip(4);
            case ENC_LZF -> {
                long compressed = readLength();
                readLength();
                skip(compressed);
            }
            default -> throw new DamagedBackupException("Unknown string encoding " + (first & 0x3f));
        }
    }

    /** A key: its bytes as Redis holds them (an integer encoding as its decimal text, LZF decompressed). */
    private byte[] readKey() throws IOException {
        int first = readByte();
        if (first >>> 6 != 3) {
            return readBytes(checkedLength(lengthFrom(first)));
        }
        switch (first & 0x3f) {
            case ENC_INT8:
                return decimal((byte) readByte());
            case ENC_INT16:
                return decimal((short) (readByte() | readByte() << 8));
            case ENC_INT32:
                return decimal(readIntLittleEndian());
            case ENC_LZF:
                int compressed = checkedLength(readLength());
                int length = checkedLength(readLength());
                if (length > (long) compressed * LZF_MAX_EXPANSION) {
                    throw new DamagedBackupException("A compressed key of " + compressed + " bytes claims " + length);
                }
                return Lzf.decompress(readBytes(compressed), length);
            default:
                throw new DamagedBackupException("Unknown string encoding " + (first & 0x3f));
        }
    }

    private static byte[] decimal(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static int checkedLength(long length) throws DamagedBackupException {
        if (length > MAX_STRING) {
            throw new DamagedBackupException("A key claims " + length + " bytes, more than Redis allows");
        }
        return (int) length;
    }

    /** {@code length} bytes; the array grows as they arrive, so that a damaged length cannot claim the heap. */
    private byte[] readBytes(int length) throws IOException {
        byte[] bytes = new byte[Math.min(length, 1 << 16)];
        int copied = 0;
        while (copied < length) {
            if (pos == limit) {
                fill(1);
            }
            if (copied == bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
            }
            int step = Math.min(Math.min(length - copied, limit - pos), bytes.length - copied);
            System.arraycopy(buf, pos, bytes, copied, step);
            pos += step;
            copied += step;
        }
        return bytes;
    }

    private long readLength() throws IOException {
        return lengthFrom(readByte());
    }

    private long lengthFrom(int first) throws IOException {
        switch (first >>> 6) {
            case 0:
                return first & 0x3f;
            case 1:
                return (first & 0x3f) << 8 | readByte();
            case 2:
                if (first == 0x80) {
                    return readIntBigEndian() & 0xffffffffL;
                }
                if (first == 0x81) {
                    long length = (long) readIntBigEndian() << 32 | readIntBigEndian() & 0xffffffffL;
                    if (length < 0) {
                        throw new DamagedBackupException("A length of " + Long.toUnsignedString(length));
                    }
                    return length;
                }
                throw new DamagedBackupException("Unknown length encoding " + first);
            default:
                throw new DamagedBackupException("A special encoding where a length belongs");
        }
    }

    private int readByte() throws IOException {
        if (pos == limit) {
            fill(1);
        }
        return buf[pos++] & 0xff;
    }

    private int readIntBigEndian() throws IOException {
        fill(4);
        int value = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8
                | buf[pos + 3] & 0xff;
        pos += 4;
        return value;
    }

    private int readIntLittleEndian() throws IOException {
        return Integer.reverseBytes(readIntBigEndian());
    }

    private long readLongLittleEndian() throws IOException {
        long low = readIntLittleEndian() & 0xffffffffL;
        return (long) readIntLittleEndian() << 32 | low;
    }

    private void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (pos == limit) {
                fill(1);
            }
            int step = (int) Math.min(left, limit - pos);
            pos += step;
            left -= step;
        }
    }

    /** Reads until at least {@code need} unconsumed bytes are in the buffer. */
    private void fill(int need) throws IOException {
        while (limit - pos < need) {
            compact();
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, Math.max(2 * buf.length, limit + need));
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                throw new EOFException("The RDB ends in the middle of a record, after " + (base + limit) + " bytes");
            }
            limit += n;
        }
    }

    /** Passes on what was consumed, and keeps only what is still needed: the rest, or the record being captured. */
    private void compact() throws IOException {
        long consumed = position();
        feedSink();
        if (inRecord && crcFed < consumed) {
            crc.update(buf, (int) (crcFed - base), (int) (consumed - crcFed));
            crcFed = consumed;
        }
        if (held && inRecord && consumed - start > captureLimit) {
            held = false; // too large to keep: stepped over, read again from the file by whoever needs it
        }
        long keep = held && inRecord ? start : consumed;
        int drop = (int) (keep - base);
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, limit - drop);
            limit -= drop;
            pos -= drop;
            base = keep;
        }
    }

    private void feedSink() throws IOException {
        long consumed = position();
        if (sink != null && sinkFed < consumed) {
            sink.accept(buf, (int) (sinkFed - base), (int) (consumed - sinkFed));
        }
        sinkFed = consumed;
    }
}
