package io.redisbackup.backupstore.keyindex;

/**
 * The RDB format's constants, in one place for every reader of it: opcodes, string encodings and limits (see Redis's
 * rdb.h).
 */
final class RdbFormat {

    /** The newest RDB version this service reads (Redis 7.4 and 8). */
    static final int MAX_RDB_VERSION = 12;

    static final int SLOT_INFO = 0xF4;
    static final int FUNCTION2 = 0xF5;
    static final int FUNCTION_PRE_GA = 0xF6;
    static final int MODULE_AUX = 0xF7;
    static final int IDLE = 0xF8;
    static final int FREQ = 0xF9;
    static final int AUX = 0xFA;
    static final int RESIZEDB = 0xFB;
    static final int EXPIRETIME_MS = 0xFC;
    static final int EXPIRETIME = 0xFD;
    static final int SELECTDB = 0xFE;
    static final int EOF = 0xFF;

    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    /** Redis's own limit on one string (proto-max-bulk-len's default). */
    static final long MAX_STRING = 512L << 20;
    /** No LZF input expands more than this (a 3-byte back reference gives at most 264 bytes). */
    static final int LZF_MAX_EXPANSION = 100;

    private RdbFormat() {
    }
}
