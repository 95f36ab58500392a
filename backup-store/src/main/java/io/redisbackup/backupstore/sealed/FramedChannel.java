package io.redisbackup.backupstore.sealed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
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
    private final byte[] frame;
    private long cachedFrame = -1;
    private int cachedLength;

    private FramedChannel(SeekableByteChannel stored, FrameCodec codec, long plainSize, long[] offsets) {
        super(plainSize);
        this.stored = stored;
        this.codec = codec;
        this.plainSize = plainSize;
        this.frameBytes = codec.frameBytes();
        this.offsets = offsets;
        this.frame = new byte[frameBytes];
    }

    /** Opens the stored file's plain view; closes {@code stored} when it is closed, or when it cannot be read. */
    static FramedChannel open(SeekableByteChannel stored, FrameCodec codec, long plainSize) throws IOException {
        try {
            long storedSize = stored.size();
            int guess = (int) Math.min(storedSize, TAIL_GUESS);
            byte[] tail = RangeReads.readFully(stored, new Range(storedSize - guess, guess));
            int tableLength = FramedFormat.tableLength(tail, guess, storedSize);
            byte[] table;
            if (tableLength <= guess - FramedFormat.TRAILER_BYTES) {
                int from = guess - FramedFormat.TRAILER_BYTES - tableLength;
                table = java.util.Arrays.copyOfRange(tail, from, from + tableLength);
            } else {
                table = RangeReads.readFully(stored, new Range(storedSize - FramedFormat.TRAILER_BYTES - tableLength,
                        tableLength));
            }
            int opened = codec.openTable(table, table.length);
            long[] offsets = FramedFormat.recordOffsets(table, opened, codec.frameBytes(), plainSize);
            if (offsets[offsets.length - 1] != storedSize - FramedFormat.TRAILER_BYTES - tableLength) {
                throw new DamagedBackupException("The stored file's frame table does not match its size");
            }
            return new FramedChannel(stored, codec, plainSize, offsets);
        } catch (IOException | RuntimeException e) {
            try (stored; codec) {
                throw e;
            }
        }
    }

    @Override
    protected int readAt(long position, ByteBuffer dst, int wanted) throws IOException {
        long first = position / frameBytes;
        if (first == cachedFrame) {
            return copyFromCache(position, dst, wanted);
        }
        long last = Math.min((position + wanted - 1) / frameBytes, first + MAX_FRAMES_PER_READ - 1);
        long from = offsets[(int) first];
        byte[] records = RangeReads.readFully(stored,
                new Range(from, Math.toIntExact(offsets[(int) last + 1] - from)));
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
        List<byte[]> records = RangeReads.read(stored, storedRuns);
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
