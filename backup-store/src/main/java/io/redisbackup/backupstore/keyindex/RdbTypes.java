package io.redisbackup.backupstore.keyindex;

/** The Redis type ({@code TYPE}'s answer) of a value by its RDB type byte, whatever encoding the RDB chose. */
public final class RdbTypes {

    private RdbTypes() {
    }

    /** {@code string}, {@code list}, {@code set}, {@code zset}, {@code hash}, {@code stream}, {@code module}. */
    public static String name(int rdbType) {
        return switch (rdbType) {
            case 0 -> "string";
            case 1, 10, 14, 18 -> "list";
            case 2, 11, 20 -> "set";
            case 3, 5, 12, 17 -> "zset";
            case 4, 9, 13, 16, 22, 23, 24, 25 -> "hash";
            case 15, 19, 21 -> "stream";
            case 6, 7 -> "module";
            default -> "unknown (RDB type " + rdbType + ")";
        };
    }
}
