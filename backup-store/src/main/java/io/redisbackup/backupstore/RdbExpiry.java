package io.redisbackup.backupstore;

import com.moilioncircle.redis.replicator.rdb.datatype.ExpiredType;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyValuePair;

/** A key's expiry as an RDB stores it (seconds or milliseconds, or none), as absolute milliseconds. */
public final class RdbExpiry {

    private RdbExpiry() {
    }

    /** The key's absolute expiry in milliseconds since the epoch, or -1 when it has none. */
    public static long expireAtMs(KeyValuePair<?, ?> entry) {
        ExpiredType type = entry.getExpiredType();
        if (type == ExpiredType.MS) {
            return entry.getExpiredValue();
        }
        if (type == ExpiredType.SECOND) {
            return entry.getExpiredValue() * 1000;
        }
        return -1;
    }
}
