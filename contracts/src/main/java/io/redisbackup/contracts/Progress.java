package io.redisbackup.contracts;

/** How far a running task is: bytes while an RDB streams, keys while a recovery loads; null where unknown. */
public record Progress(Integer percent, Long bytesDone, Long bytesTotal, Long keysDone, Long keysTotal) {

    public static Progress ofBytes(long done, long total) {
        return new Progress(percentOf(done, total), done, total > 0 ? total : null, null, null);
    }

    public static Progress ofKeys(long done, long total) {
        return new Progress(percentOf(done, total), null, null, done, total > 0 ? total : null);
    }

    private static Integer percentOf(long done, long total) {
        return total > 0 ? (int) Math.min(100, done * 100 / total) : null;
    }
}
