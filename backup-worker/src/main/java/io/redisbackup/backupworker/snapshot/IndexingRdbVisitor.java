package io.redisbackup.backupworker.snapshot;

import java.io.IOException;

import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.rdb.dump.DumpRdbVisitor;
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbValueVisitor;

/**
 * Parses an RDB stream, key by key, without decoding or copying any value, and tells where in the file each
 * entry lies: {@link #recordStart()} at its first byte (an expiry or LRU/LFU prefix, else its type byte), and
 * {@link #currentOffset()} just past it, read synchronously when the key's event arrives.
 *
 * <p>Offsets come from {@link RedisInputStream}'s own counters, corrected for its read-ahead buffer, and count
 * from the {@code REDIS} magic, which is byte 0 of the stored file (see shared KEY-INDEX.md).
 */
final class IndexingRdbVisitor extends DumpRdbVisitor {

    private static final int EXPIRETIME_MS = 0xFC;
    private static final int EXPIRETIME = 0xFD;
    private static final int IDLE = 0xF8;
    private static final int FREQ = 0xF9;

    private RedisInputStream in;
    private long base;
    private long recordStart;
    private boolean inPrefix;
    private int rdbVersion;

    IndexingRdbVisitor(Replicator replicator) {
        super(replicator, new SkipRdbValueVisitor(replicator));
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
        int type = in.read();
        // the parser calls this again after an expiry or eviction prefix: only the outer call starts a record
        if (!inPrefix) {
            recordStart = offset;
        }
        inPrefix = type == EXPIRETIME_MS || type == EXPIRETIME || type == IDLE || type == FREQ;
        return type;
    }

    long recordStart() {
        return recordStart;
    }

    long currentOffset() {
        return position(in) - base;
    }

    int rdbVersion() {
        return rdbVersion;
    }

    private static long position(RedisInputStream in) {
        return in.total() - (in.tail() - in.head());
    }
}
