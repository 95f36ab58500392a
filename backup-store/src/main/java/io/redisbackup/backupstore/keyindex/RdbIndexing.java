package io.redisbackup.backupstore.keyindex;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisRdbReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.event.Event;
import com.moilioncircle.redis.replicator.io.RawByteListener;
import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.rdb.datatype.Function;
import com.moilioncircle.redis.replicator.rdb.dump.DumpRdbVisitor;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbValueVisitor;

import io.redisbackup.backupstore.RdbExpiry;

/**
 * Indexes an RDB while a replicator parses it, key by key, without decoding or copying any value: where in the file
 * each entry lies, from its first byte (an expiry or LRU/LFU prefix, else its type byte) to just past its value,
 * and the CRC32C of those bytes. {@link #entry} must be called synchronously in the key's event, before the next
 * record is read.
 *
 * <p>Offsets come from {@link RedisInputStream}'s own counters, corrected for its read-ahead buffer, and count
 * from the {@code REDIS} magic, which is byte 0 of the stored file (see shared KEY-INDEX.md). The CRC is fed by a
 * raw-byte listener, which the stream calls with the bytes the parser consumes, in order.
 */
public final class RdbIndexing extends DumpRdbVisitor implements RawByteListener {

    private static final int EXPIRETIME_MS = 0xFC;
    private static final int EXPIRETIME = 0xFD;
    private static final int IDLE = 0xF8;
    private static final int FREQ = 0xF9;

    private final CRC32C entryCrc = new CRC32C();
    private final boolean capture;
    private byte[] record = new byte[0];
    private int recordLength;
    private RedisInputStream in;
    private long base;
    private long recordStart;
    private boolean inPrefix;
    private int rdbVersion;

    private RdbIndexing(Replicator replicator, boolean capture) {
        super(replicator, new SkipRdbValueVisitor(replicator));
        this.capture = capture;
    }

    /** Makes {@code replicator} parse without decoding values, and index what it parses. */
    public static RdbIndexing attach(Replicator replicator) {
        return attach(replicator, false);
    }

    /**
     * Like {@link #attach}, and keeps the bytes of the record just parsed ({@link #record()}): what a whole-instance
     * recovery sends on, without decoding or copying values more than once. Memory: the largest record.
     */
    public static RdbIndexing attachCapturing(Replicator replicator) {
        return attach(replicator, true);
    }

    private static RdbIndexing attach(Replicator replicator, boolean capture) {
        RdbIndexing indexing = new RdbIndexing(replicator, capture);
        replicator.setRdbVisitor(indexing);
        replicator.addRawByteListener(indexing);
        return indexing;
    }

    /** Indexes a whole RDB file into {@code index} (not finished); the file's RDB version. */
    public static int indexFile(InputStream rdb, KeyIndexWriter index) throws IOException {
        Replicator replicator = new RedisRdbReplicator(rdb, Configuration.defaultSetting()
                .setUseDefaultExceptionListener(false));
        RdbIndexing indexing = attach(replicator);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        replicator.addEventListener((r, event) -> {
            if (event instanceof DumpKeyValuePair pair && failure.get() == null) {
                try {
                    index.add(indexing.entry(pair));
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        });
        replicator.addExceptionListener((r, error, event) -> failure.compareAndSet(null, error));
        try {
            replicator.open();
        } finally {
            replicator.close();
        }
        if (failure.get() != null) {
            throw new IOException("Cannot index the RDB: " + failure.get().getMessage(), failure.get());
        }
        return indexing.rdbVersion();
    }

    /** The index entry of the key just parsed. */
    public IndexEntry entry(DumpKeyValuePair pair) {
        return new IndexEntry((int) pair.getDb().getDbNumber(), pair.getKey(), recordStart, position(in) - base,
                pair.getValueRdbType(), RdbExpiry.expireAtMs(pair), (int) entryCrc.getValue());
    }

    public int rdbVersion() {
        return rdbVersion;
    }

    /** The bytes of the record just parsed (a key's entry, or a function library), when capturing. */
    public byte[] record() {
        return record;
    }

    public int recordLength() {
        return recordLength;
    }

    @Override
    public void handle(byte... bytes) {
        if (bytes.length == 1) {
            entryCrc.update(bytes[0]);
        } else {
            entryCrc.update(bytes, 0, bytes.length);
        }
        if (capture) {
            if (recordLength + bytes.length > record.length) {
                record = java.util.Arrays.copyOf(record, Math.max(recordLength + bytes.length, 2 * record.length + 64));
            }
            System.arraycopy(bytes, 0, record, recordLength, bytes.length);
            recordLength += bytes.length;
        }
    }

    @Override
    public String applyMagic(RedisInputStream in) throws IOException {
        this.in = in;
        this.base = position(in);
        this.inPrefix = false;
        return super.applyMagic(in);
    }

    @Override
    public int applyVersion(RedisInputStream in) throws IOException {
        rdbVersion = super.applyVersion(in);
        return rdbVersion;
    }

    @Override
    public int applyType(RedisInputStream in) throws IOException {
        long offset = position(in) - base;
        // the parser calls this again after an expiry or eviction prefix: only the outer call starts a record
        if (!inPrefix) {
            recordStart = offset;
            entryCrc.reset();
            recordLength = 0;
        }
        int type = in.read();
        inPrefix = type == EXPIRETIME_MS || type == EXPIRETIME || type == IDLE || type == FREQ;
        return type;
    }

    /**
     * A function library: skipped like a value, and told as a {@link Function} event without its fields, so that
     * a listener knows {@link #record()} holds the library's record.
     */
    @Override
    public Event applyFunction2(RedisInputStream in, int version) throws IOException {
        Event event = super.applyFunction2(in, version);
        return event != null ? event : new Function();
    }

    private static long position(RedisInputStream in) {
        return in.total() - (in.tail() - in.head());
    }
}
