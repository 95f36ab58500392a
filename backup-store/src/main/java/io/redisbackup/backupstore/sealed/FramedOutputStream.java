package io.redisbackup.backupstore.sealed;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import io.redisbackup.backupstore.Crc32c;

/**
 * Writes a file in {@link FramedFormat}: what is written is cut into frames, each compressed and sealed as soon as
 * it is whole and passed on; closing it seals the last frame, writes the frame table and the trailer, and closes
 * the stream below. Memory is two frames, whatever the file's size; given n codecs, it seals frames on n threads of
 * their own ({@link Sealers}), and passes them on in order: 2n batches of {@value Sealers#BATCH} frames more.
 */
final class FramedOutputStream extends OutputStream {

    private final OutputStream out;
    /** Seals the frame table; and every frame where the stream has no {@link #sealers}. */
    private final FrameCodec codec;
    private final Sealers sealers;
    private final byte[] frame;
    private final byte[] record;
    private int[] recordLengths = new int[1024];
    /** Frames cut so far, and of those how many were passed on (all of them where they are sealed here). */
    private int frames;
    private int passedOn;
    private int filled;
    private long plainBytes;
    private long storedBytes;
    private final CRC32C storedCrc = new CRC32C();
    private boolean closed;

    FramedOutputStream(OutputStream out, FrameCodec codec) {
        this(out, List.of(codec), null);
    }

    /**
     * @param codecs one for each frame sealed at once, all of the same file: with more than one, frames are sealed on
     *               threads of their own, named after {@code threads}
     */
    FramedOutputStream(OutputStream out, List<FrameCodec> codecs, String threads) {
        this.out = out;
        this.codec = codecs.get(0);
        this.sealers = codecs.size() > 1 ? new Sealers(codecs, threads) : null;
        this.frame = new byte[codec.frameBytes()];
        this.record = sealers == null ? new byte[codec.maxRecordBytes()] : null;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, frame.length - filled);
            System.arraycopy(bytes, offset, frame, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == frame.length) {
                writeFrame();
            }
        }
    }

    private void writeFrame() throws IOException {
        if (sealers != null) {
            sealers.seal(frames, frame, filled);
        } else {
            passOn(record, codec.seal(frames, frame, filled, record));
        }
        frames++;
        plainBytes += filled;
        filled = 0;
    }

    /** Writes the next frame's record, {@code length} bytes of {@code sealed}. */
    private void passOn(byte[] sealed, int length) throws IOException {
        storedCrc.update(sealed, 0, length);
        out.write(sealed, 0, length);
        if (passedOn == recordLengths.length) {
            recordLengths = Arrays.copyOf(recordLengths, passedOn * 2);
        }
        recordLengths[passedOn++] = length;
        storedBytes += length;
    }

    /** How many plain bytes were written. */
    long plainBytes() {
        return plainBytes + filled;
    }

    /** How many bytes the stored file takes; known once the stream is closed. */
    long storedBytes() {
        return storedBytes;
    }

    /** The stored file's CRC32C, hex; known once the stream is closed. */
    String storedCrc32c() {
        return Crc32c.hex(storedCrc);
    }

    @Override
    public void flush() {
        // a frame is written when it is whole: flushing a part of one would break the format
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream closing = out; codec) {
            try {
                if (filled > 0) {
                    writeFrame();
                }
                if (sealers != null) {
                    sealers.passOnAll();
                }
            } finally {
                if (sealers != null) {
                    sealers.close(); // its threads end before any codec is closed, whatever failed
                }
            }
            byte[] table = codec.sealTable(FramedFormat.table(frame.length, plainBytes, recordLengths, frames));
            byte[] trailer = FramedFormat.trailer(table.length);
            storedCrc.update(table);
            storedCrc.update(trailer);
            out.write(table);
            out.write(trailer);
            storedBytes += table.length + FramedFormat.TRAILER_BYTES;
        }
    }

    /**
     * Frames sealed side by side, {@value #BATCH} at a time (a frame alone is tens of µs of work, less than handing
     * it to another thread takes): batch b by codec b mod n on that codec's own thread (a codec serves one thread at
     * a time), in one of 2n slots, each a batch's plain bytes and their records; a slot is taken again once its batch
     * was passed on, which is in order, so at most 2n batches are in flight. The threads start with the first batch
     * (a stream never written to has none) and end when the stream is closed, or after a minute idle if it never is.
     */
    private final class Sealers implements AutoCloseable {
        private static final int BATCH = 8;
        private final List<FrameCodec> codecs;
        private final String name;
        private final int frameBytes;
        private final int recordBytes;
        private ThreadPoolExecutor[] threads;
        /** Each slot's frames, and their records once sealed. */
        private final byte[][][] plain;
        private final byte[][][] records;
        private final int[][] lengths;
        /** Frames taken into each slot and not yet handed over; and how many its batch in flight holds. */
        private final int[] held;
        private final int[] handedCount;
        private final Future<?>[] sealing;
        /** Batches handed to the threads so far, and of those how many were passed on. */
        private long handed;
        private long passed;

        Sealers(List<FrameCodec> codecs, String name) {
            this.codecs = codecs;
            this.name = name;
            this.frameBytes = codecs.get(0).frameBytes();
            this.recordBytes = codecs.get(0).maxRecordBytes();
            int slots = 2 * codecs.size();
            this.plain = new byte[slots][][];
            this.records = new byte[slots][][];
            this.lengths = new int[slots][BATCH];
            this.held = new int[slots];
            this.handedCount = new int[slots];
            this.sealing = new Future<?>[slots];
        }

        /** Takes frame {@code index} ({@code bytes[0, length)}) into the batch it belongs to; a full one is sealed. */
        void seal(int index, byte[] bytes, int length) throws IOException {
            int slot = (int) (handed % sealing.length);
            if (sealing[slot] != null) {
                passOnNext(); // this slot's last batch, the oldest in flight: the slot is free for the next
            }
            if (plain[slot] == null) {
                plain[slot] = new byte[BATCH][frameBytes];
                records[slot] = new byte[BATCH][recordBytes];
            }
            System.arraycopy(bytes, 0, plain[slot][held[slot]], 0, length);
            lengths[slot][held[slot]++] = length;
            if (held[slot] == BATCH) {
                hand(slot, index - BATCH + 1);
            }
        }

        /** Passes on every frame taken, in order: the last batch sealed even if it is not full. */
        void passOnAll() throws IOException {
            int slot = (int) (handed % sealing.length);
            if (held[slot] > 0) {
                hand(slot, frames - held[slot]);
            }
            while (passed < handed) {
                passOnNext();
            }
        }

        /** Hands the batch in {@code slot}, whose first frame is {@code first}, to its codec's thread. */
        private void hand(int slot, int first) {
            if (threads == null) {
                threads = new ThreadPoolExecutor[codecs.size()];
                for (int i = 0; i < threads.length; i++) {
                    threads[i] = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                            Thread.ofPlatform().daemon().name(name + "-" + i).factory());
                    threads[i].allowCoreThreadTimeOut(true);
                }
            }
            int count = held[slot];
            handedCount[slot] = count;
            held[slot] = 0;
            int codec = (int) (handed % codecs.size());
            FrameCodec sealer = codecs.get(codec);
            sealing[slot] = threads[codec].submit(() -> {
                for (int i = 0; i < count; i++) {
                    lengths[slot][i] = sealer.seal(first + i, plain[slot][i], lengths[slot][i], records[slot][i]);
                }
            });
            handed++;
        }

        /** Waits for the oldest batch in flight to be sealed, and passes its frames on. */
        private void passOnNext() throws IOException {
            int slot = (int) (passed % sealing.length);
            try {
                sealing[slot].get();
            } catch (ExecutionException e) {
                throw new IOException("Sealing frames from " + passedOn + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while sealing frames from " + passedOn);
            }
            for (int i = 0; i < handedCount[slot]; i++) {
                passOn(records[slot][i], lengths[slot][i]);
            }
            sealing[slot] = null;
            passed++;
        }

        /** Ends the threads, then closes the codecs (the first one, the stream's own, the stream closes). */
        @Override
        public void close() throws IOException {
            ExecutorService[] started = threads == null ? new ExecutorService[0] : threads;
            for (ExecutorService thread : started) {
                thread.shutdownNow();
            }
            try {
                for (ExecutorService thread : started) {
                    if (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                        throw new IOException("A thread sealing frames did not end"); // its codec stays open
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while the threads sealing frames end");
            }
            codecs.subList(1, codecs.size()).forEach(FrameCodec::close);
        }
    }
}
