package io.redisbackup.backupstore.sealed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

class BackupKeysTest {

    private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "cmV0aXJlZC1rZXktb2YtdGhlLWdhdGV3YXktdGVzdCE=";

    @Test
    void theFirstKeySealsNewBackups() {
        assertEquals("b-2", BackupKeys.parse(" b-2=" + KEY_B + " , a.1=" + KEY_A + ",").currentId());
    }

    @Test
    void refusesKeysThatAreNotThirtyTwoBase64BytesWithAPlainId() {
        for (String spec : new String[] { "", " , ", "a=" + KEY_A + ",a=" + KEY_B, "=" + KEY_A, KEY_A,
                "a b=" + KEY_A, "a=c2hvcnQ=", "a=not base64!" }) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> BackupKeys.parse(spec), spec);
            assertFalse(refused.getMessage().contains(KEY_A), "a key is never in an error message");
        }
    }

    @Test
    void aWrappedKeyOpensOnlyForItsBackupWithItsKey() throws Exception {
        BackupKeys keys = BackupKeys.parse("a=" + KEY_A + ",b=" + KEY_B);
        UUID instance = UUID.randomUUID();
        UUID backup = UUID.randomUUID();
        byte[] dataKey = keys.newDataKey();
        String wrapped = keys.wrap(dataKey, instance, backup);
        assertArrayEquals(dataKey, keys.unwrap("a", wrapped, instance, backup));
        assertThrows(DamagedBackupException.class, () -> keys.unwrap("a", wrapped, instance, UUID.randomUUID()));
        assertThrows(DamagedBackupException.class, () -> keys.unwrap("b", wrapped, instance, backup),
                "the id is bound too: a manifest that names another key does not open");
        UnknownBackupKeyException unknown = assertThrows(UnknownBackupKeyException.class,
                () -> keys.unwrap("c", wrapped, instance, backup));
        assertTrue(unknown.getMessage().contains("'c'"));
        assertThrows(DamagedBackupException.class, () -> keys.unwrap("a", "%%%", instance, backup));
    }
}
