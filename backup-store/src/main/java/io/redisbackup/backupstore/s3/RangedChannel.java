package io.redisbackup.backupstore.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import io.redisbackup.backupstore.RangeReads;
import io.redisbackup.backupstore.ReadOnlyChannel;
import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * Random reads of one stored file by ranged GETs of its objects ({@link StoredObjects}, {@link PresignedGets}; a
 * range that spans two objects is read by a GET of each): what recovering a few keys of a large backup needs
 * (the key index's header, footer and blocks, then each key's bytes). Ranges asked for together that lie close to one
 * another are read by one GET ({@link Coalescing}; {@link S3BackupStore.Uploads#readGap}): a GET costs a round trip
 * and the server's work per request (on a real S3 tens of milliseconds before its first byte), while the bytes
 * between two ranges a few hundred KiB apart cost far less to stream past. What lies between is read and dropped as
 * it arrives, never held.
 */
final class RangedChannel extends ReadOnlyChannel implements RangeReads {

    /**
     * Which ranges one GET reads: the next range (by position) joins the GET when it starts at most {@code maxGap}
     * bytes after the GET's end and the GET then spans at most {@code maxSpan} bytes (a range longer than that alone
     * is one GET of its own). Spans that stay small keep the GETs side by side.
     */
    record Coalescing(int maxGap, int maxSpan) {
        /** Every range a GET of its own. */
        static final Coalescing NONE = new Coalescing(0, 0);
    }

    /**
     * Bytes [start, end) of the file, holding the ranges {@code members} (their indices, by position): one GET, or one
     * in each object it lies in.
     */
    record Span(long start, long end, int[] members) {
    }

    private final StoredObjects objects;
    private final ExecutorService readers;
    private final Coalescing coalescing;

    /** @param readers where {@link #readRanges} sends its GETs: as many side by side as it has threads */
    RangedChannel(StoredObjects objects, ExecutorService readers, Coalescing coalescing) {
        super(objects.size());
        this.objects = objects;
        this.readers = readers;
        this.coalescing = coalescing;
    }

    @Override
    protected int readAt(long position, ByteBuffer dst, int wanted) throws IOException {
        long end = position + wanted;
        for (long at = position; at < end; ) {
            int object = objects.indexOf(at);
            long to = Math.min(end, objectEnd(object));
            objects.gets(object).read(at - objects.start(object), dst, (int) (to - at));
            at = to;
        }
        return wanted;
    }

    /** Where in the file object {@code index} ends; a file cut short (no such byte) is damaged. */
    private long objectEnd(int index) throws DamagedBackupException {
        if (index >= objects.count()) {
            throw new DamagedBackupException("The stored file is cut short: it has " + objects.count() + " objects");
        }
        return objects.start(index) + objects.length(index);
    }

    /**
     * One ranged GET per span of nearby ranges ({@link #spans}), as many side by side as the readers have threads:
     * the next starts as soon as one ends. The caller bounds how many bytes it asks for at once; what lies between
     * the ranges of a span is not kept.
     */
    @Override
    public List<byte[]> readRanges(List<Range> ranges) throws IOException {
        for (Range range : ranges) {
            if (range.end() > size()) {
                throw new DamagedBackupException("The object is cut short: " + range.length() + " bytes wanted at "
                        + range.position());
            }
        }
        byte[][] read = new byte[ranges.size()][];
        for (int i = 0; i < read.length; i++) {
            read[i] = new byte[ranges.get(i).length()];
        }
        List<Future<?>> pieces = new ArrayList<>();
        try {
            for (Span span : spans(ranges, coalescing)) {
                pieces.add(readers.submit(() -> {
                    readSpan(span, ranges, read);
                    return null;
                }));
            }
            for (Future<?> piece : pieces) {
                await(piece);
            }
            return Arrays.asList(read);
        } finally {
            pieces.forEach(piece -> piece.cancel(true)); // after a failure, the reads still waiting are not made
        }
    }

    /** The GETs that read {@code ranges}: nearby ranges together, as {@code coalescing} allows. */
    static List<Span> spans(List<Range> ranges, Coalescing coalescing) {
        Integer[] byPosition = new Integer[ranges.size()];
        for (int i = 0; i < byPosition.length; i++) {
            byPosition[i] = i;
        }
        Arrays.sort(byPosition, Comparator.comparingLong(i -> ranges.get(i).position()));
        List<Span> spans = new ArrayList<>();
        int first = 0;
        while (first < byPosition.length) {
            Range opening = ranges.get(byPosition[first]);
            long start = opening.position();
            long end = opening.end();
            int next = first + 1;
            while (next < byPosition.length) {
                Range joining = ranges.get(byPosition[next]);
                long joinedEnd = Math.max(end, joining.end());
                if (joining.position() - end > coalescing.maxGap() || joinedEnd - start > coalescing.maxSpan()) {
                    break;
                }
                end = joinedEnd;
                next++;
            }
            int[] members = new int[next - first];
            for (int m = 0; m < members.length; m++) {
                members[m] = byPosition[first + m];
            }
            spans.add(new Span(start, end, members));
            first = next;
        }
        return spans;
    }

    /**
     * One GET of the span (one for each object it lies in); each member's bytes copied out as they arrive, the rest
     * dropped.
     */
    private void readSpan(Span span, List<Range> ranges, byte[][] read) throws IOException {
        for (long from = span.start(); from < span.end(); ) {
            int object = objects.indexOf(from);
            long to = Math.min(span.end(), objectEnd(object));
            readSpan(span, from, to, objects.gets(object), objects.start(object), ranges, read);
            from = to;
        }
    }

    /** Bytes [from, to) of the span, all in the object that starts at {@code objectStart}, by one GET. */
    private static void readSpan(Span span, long from, long to, PresignedGets gets, long objectStart,
            List<Range> ranges, byte[][] read) throws IOException {
        gets.read(from - objectStart, (int) (to - from), new PresignedGets.Receiver() {
            private long at;

            @Override
            public void restart() {
                at = from;
            }

            @Override
            public void accept(byte[] chunk, int n) {
                long chunkEnd = at + n;
                for (int member : span.members()) {
                    Range range = ranges.get(member);
                    long from = Math.max(at, range.position());
                    long to = Math.min(chunkEnd, range.end());
                    if (from < to) {
                        System.arraycopy(chunk, (int) (from - at), read[member], (int) (from - range.position()),
                                (int) (to - from));
                    }
                }
                at = chunkEnd;
            }
        });
    }

    private static void await(Future<?> piece) throws IOException {
        try {
            piece.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading from object storage");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }
}
