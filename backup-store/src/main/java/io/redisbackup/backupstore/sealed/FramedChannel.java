package io.redisbackup.backupstore.sealed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.redisbackup.backupstore.RangeReads;
import io.redisbackup.backupstore.ReadOnlyChannel;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * Reads the plain bytes of a file stored in {@link FramedFormat} wherever they lie. It reads the frame table once,
 * from the end of the file; each read then fetches, in one read of the stored file, the records of the frames that
 * hold the bytes asked for (a key's entry: one frame, or two where it crosses a frame's end), and keeps the last
 * frame it opened for the next read nearby (the key index reads a block's header, then the block).
 */
final class FramedChannel extends ReadOnlyChannel implements RangeReads {

    /** The most frames one read fetches; a larger read is answered in parts, as a channel may. */
    private static final int MAX_FRAMES_PER_READ = 16;
    /** What the first read of the end takes: the whole table of a file of up to about 256 MiB in 16 KiB frames. */
    private static final int TAIL_GUESS = 64 << 10;

    private final SeekableByteChannel stored;
    private final FrameCodec codec;
    private final long plainSize;
    private final int frameBytes;
    private final long[] offsets;
    private final long storedSize;
    private final byte[] frame;
    /**
     * The stored file's first bytes, read beside its end when asked to: the first frame, where a key index keeps its
     * header. Served from here rather than read again.
     */
    private final byte[] head;
    /** The stored file's last bytes, read with its table: its last frames, served from here rather than read again. */
    private final byte[] tail;
    private final long tailAt;
    private long cachedFrame = -1;
    private int cachedLength;

    private FramedChannel(SeekableByteChannel stored, FrameCodec codec, long plainSize, long[] offsets,
            long storedSize, byte[] head, byte[] tail, long tailAt) {
        super(plainSize);
        this.stored = stored;
        this.codec = codec;
        this.plainSize = plainSize;
        this.frameBytes = codec.frameBytes();
        this.offsets = offsets;
        this.storedSize = storedSize;
        this.frame = new byte[frameBytes];
        this.head = head;
        this.tail = tail;
        this.tailAt = tailAt;
    }

    /** A stored file's frame table, checked: where each frame's record starts, and where the last ends. */
    record Table(long[] offsets, long storedSize) {
        long bytes() {
            return 32 + 8L * offsets.length;
        }
    }

    /**
     * Opens the stored file's plain view; closes {@code stored} when it is closed, or when it cannot be read.
     * @param known what {@link #table} gave for the same file before, not read again while the file's size is
     *     the same; or null
     * @param withHead whether to read the first frame's record beside the end (in one request more, side by side):
     *     for a file whose first frame the reader wants next (a key index's header), one request fewer after it
     */
    static FramedChannel open(SeekableByteChannel stored, FrameCodec codec, long plainSize, Table known,
            boolean withHead) throws IOException {
        try {
            long storedSize = stored.size();
            if (known != null && known.storedSize() == storedSize) {
                return new FramedChannel(stored, codec, plainSize, known.offsets(), storedSize, new byte[0],
                        new byte[0], storedSize);
            }
            int guess = (int) Math.min(storedSize, TAIL_GUESS);
            // the first record is at most a frame's worth, sealed; read only where the tail does not cover it
            int headGuess = withHead ? (int) Math.min(storedSize - guess, codec.maxRecordBytes()) : 0;
            List<byte[]> ends = headGuess > 0
                    ? RangeReads.read(stored, List.of(new Range(0, headGuess), new Range(storedSize - guess, guess)))
                    : List.of(new byte[0], RangeReads.readFully(stored, new Range(storedSize - guess, guess)));
            byte[] head = ends.get(0);
            byte[] tail = ends.get(1);
            int tableLength = FramedFormat.tableLength(tail, guess, storedSize);
            byte[] table;
            if (tableLength <= guess - FramedFormat.TRAILER_BYTES) {
                int from = guess - FramedFormat.TRAILER_BYTES - tableLength;
                table = Arrays.copyOfRange(tail, from, from + tableLength);
            } else {
                table = RangeReads.readFully(stored, new Range(storedSize - FramedFormat.TRAILER_BYTES - tableLength,
                        tableLength));
            }
            int opened = codec.openTable(table, table.length);
            long[] offsets = FramedFormat.recordOffsets(table, opened, codec.frameBytes(), plainSize);
            if (offsets[offsets.length - 1] != storedSize - FramedFormat.TRAILER_BYTES - tableLength) {
                throw new DamagedBackupException("The stored file's frame table does not match its size");
            }
            return new FramedChannel(stored, codec, plainSize, offsets, storedSize, head, tail, storedSize - guess);
        } catch (IOException | RuntimeException e) {
            try (stored; codec) {
                throw e;
            }
        }
    }

    /** The stored file's frame table, checked, to open the same file again without reading it. */
    Table table() {
        return new Table(offsets, storedSize);
    }

    @Override
    protected int readAt(long position, ByteBuffer dst, int wanted) throws IOException {
        long first = position / frameBytes;
        if (first == cachedFrame) {
            return copyFromCache(position, dst, wanted);
        }
        long last = Math.min((position + wanted - 1) / frameBytes, first + MAX_FRAMES_PER_READ - 1);
        long from = offsets[(int) first];
        byte[] records = fetch(List.of(new Range(from, Math.toIntExact(offsets[(int) last + 1] - from)))).get(0);
        int read = 0;
        for (long index = first; index <= last; index++) {
            cachedFrame = -1;
            cachedLength = openFrame(index, records, (int) (offsets[(int) index] - from), frame);
            cachedFrame = index;
            read += copyFromCache(position + read, dst, wanted - read);
        }
        return read;
    }

    /**
     * The plain bytes of each range: every frame they need is fetched once, runs of neighbouring frames in one read,
     * and all those reads asked of the stored file at once ({@link RangeReads}).
     */
    @Override
    public List<byte[]> readRanges(List<Range> ranges) throws IOException {
        TreeSet<Long> needed = new TreeSet<>();
        for (Range range : ranges) {
            if (range.end() > plainSize) {
                throw new DamagedBackupException("The file is cut short: " + range.length() + " bytes wanted at "
                        + range.position());
            }
            for (long index = range.position() / frameBytes; index * frameBytes < range.end(); index++) {
                needed.add(index);
            }
        }
        List<long[]> runs = new ArrayList<>(); // first and last frame of each run
        for (long index : needed) {
            long[] run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (run != null && run[1] == index - 1 && index - run[0] < MAX_FRAMES_PER_READ) {
                run[1] = index;
            } else {
                runs.add(new long[] { index, index });
            }
        }
        List<Range> storedRuns = runs.stream().map(run -> new Range(offsets[(int) run[0]],
                Math.toIntExact(offsets[(int) run[1] + 1] - offsets[(int) run[0]]))).toList();
        List<byte[]> records = fetch(storedRuns);
        Map<Long, byte[]> frames = new HashMap<>();
        for (int r = 0; r < runs.size(); r++) {
            for (long index = runs.get(r)[0]; index <= runs.get(r)[1]; index++) {
                byte[] plain = new byte[FramedFormat.frameLength(index, plainSize, frameBytes)];
                openFrame(index, records.get(r), (int) (offsets[(int) index] - storedRuns.get(r).position()), plain);
                frames.put(index, plain);
            }
        }
        List<byte[]> read = new ArrayList<>(ranges.size());
        for (Range range : ranges) {
            byte[] bytes = new byte[range.length()];
            for (int done = 0; done < bytes.length; ) {
                long at = range.position() + done;
                byte[] plain = frames.get(at / frameBytes);
                int offset = (int) (at % frameBytes);
                int n = Math.min(bytes.length - done, plain.length - offset);
                System.arraycopy(plain, offset, bytes, done, n);
                done += n;
            }
            read.add(bytes);
        }
        return read;
    }

    /**
     * The stored bytes of each range: those inside the head or the tail read on opening from them, the others read
     * from the stored file all at once. The tail holds the file's last frames, where a key index keeps its sparse
     * part and footer, and the head its first, with the index's header: opening an index from object storage then
     * waits for two requests fewer.
     */
    private List<byte[]> fetch(List<Range> ranges) throws IOException {
        List<Range> elsewhere = ranges.stream().filter(range -> !kept(range)).toList();
        List<byte[]> read = switch (elsewhere.size()) {
            case 0 -> List.of();
            case 1 -> List.of(RangeReads.readFully(stored, elsewhere.get(0)));
            default -> RangeReads.read(stored, elsewhere);
        };
        List<byte[]> fetched = new ArrayList<>(ranges.size());
        int next = 0;
        for (Range range : ranges) {
            if (!kept(range)) {
                fetched.add(read.get(next++));
            } else if (range.position() >= tailAt) {
                int from = (int) (range.position() - tailAt);
                fetched.add(Arrays.copyOfRange(tail, from, from + range.length()));
            } else {
                int from = (int) range.position();
                fetched.add(Arrays.copyOfRange(head, from, from + range.length()));
            }
        }
        return fetched;
    }

    /** Whether the range lies within what was read on opening: the tail, or the head. */
    private boolean kept(Range range) {
        return range.position() >= tailAt || range.end() <= head.length;
    }

    /** Opens frame {@code index}, whose record starts at {@code records[at]}, into {@code plain}; its length. */
    private int openFrame(long index, byte[] records, int at, byte[] plain) throws DamagedBackupException {
        int bodyLength = ByteBuffer.wrap(records).getInt(at);
        if (bodyLength != offsets[(int) index + 1] - offsets[(int) index] - 4) {
            throw new DamagedBackupException("The stored file is damaged: frame " + index + " has a wrong length");
        }
        return codec.open(index, records, at + 4, bodyLength, plain,
                FramedFormat.frameLength(index, plainSize, frameBytes));
    }

    /** Copies what the frame in the cache holds from {@code position} on, up to {@code most} bytes. */
    private int copyFromCache(long position, ByteBuffer dst, int most) {
        int at = (int) (position - cachedFrame * frameBytes);
        int n = Math.min(most, cachedLength - at);
        dst.put(frame, at, n);
        return n;
    }

    @Override
    protected void release() throws IOException {
        try (stored) {
            codec.close();
        }
    }
}
