package io.redisbackup.backupstore.sealed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warm-up seals and opens real frames in each form a store may write (it throws if one does not open). */
class FrameCodecWarmUpTest {

    @Test
    void sealsAndOpensFramesEncryptedCompressedOrBoth() {
        assertTrue(FrameCodec.warmUp(16 << 10, true, 1, 50) > 0);
        assertTrue(FrameCodec.warmUp(16 << 10, true, null, 50) > 0);
        assertTrue(FrameCodec.warmUp(4 << 10, false, 1, 50) > 0);
    }
}
