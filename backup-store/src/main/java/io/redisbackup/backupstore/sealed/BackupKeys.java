package io.redisbackup.backupstore.sealed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * The platform's keys for backups, each with an id: the first seals the data keys of new backups, the others still
 * open the backups they sealed, until a rewrap has moved those to the first. A data key is wrapped with
 * AES-256-GCM, bound to its instance and backup (as associated data), so a wrapped key copied into another
 * backup's manifest does not open.
 */
public final class BackupKeys {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final byte[] CONTEXT = "redis-backup/backup-data-key/v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final int DATA_KEY_BYTES = 32;

    private final Map<String, SecretKeySpec> keys;
    private final String currentId;
    private final SecureRandom random = new SecureRandom();

    private BackupKeys(Map<String, SecretKeySpec> keys) {
        this.keys = keys;
        this.currentId = keys.keySet().iterator().next();
    }

    /**
     * Reads {@code id=base64,id=base64,...}, newest first: each key 32 random bytes in base64
     * ({@code openssl rand -base64 32}), each id letters, digits, '.', '_' or '-'.
     */
    public static BackupKeys parse(String spec) {
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        for (String item : spec == null ? new String[0] : spec.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int equals = item.indexOf('=');
            String id = equals < 0 ? "" : item.substring(0, equals).trim();
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("Each backup key is id=base64, its id made of letters, digits, "
                        + "'.', '_' or '-' (at most 64)");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(item.substring(equals + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Backup key '" + id + "' is not base64");
            }
            if (bytes.length != 32) {
                throw new IllegalArgumentException("Backup key '" + id + "' must be 32 bytes (base64 of 32 random "
                        + "bytes), not " + bytes.length);
            }
            if (keys.put(id, new SecretKeySpec(bytes, "AES")) != null) {
                throw new IllegalArgumentException("Backup key '" + id + "' is named twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("No backup key is given");
        }
        return new BackupKeys(keys);
    }

    /** The id of the key that seals new backups. */
    public String currentId() {
        return currentId;
    }

    /** A fresh random data key for a new backup. */
    byte[] newDataKey() {
        byte[] key = new byte[DATA_KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    /** The data key, wrapped with the current key for this backup: base64 of nonce, ciphertext and tag. */
    String wrap(byte[] dataKey, UUID instanceId, UUID backupId) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, currentId, nonce, instanceId, backupId);
            byte[] sealed = cipher.doFinal(dataKey);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The backup's data key, opened with the key {@code keyId}. */
    byte[] unwrap(String keyId, String wrapped, UUID instanceId, UUID backupId)
            throws UnknownBackupKeyException, DamagedBackupException {
        if (!keys.containsKey(keyId)) {
            throw new UnknownBackupKeyException(keyId);
        }
        try {
            byte[] in = Base64.getDecoder().decode(wrapped);
            if (in.length != NONCE_BYTES + DATA_KEY_BYTES + TAG_BITS / 8) {
                throw new DamagedBackupException("The backup's wrapped data key has a wrong length");
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, keyId, Arrays.copyOf(in, NONCE_BYTES), instanceId, backupId);
            return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (IllegalArgumentException e) {
            throw new DamagedBackupException("The backup's wrapped data key is not base64");
        } catch (AEADBadTagException e) {
            throw new DamagedBackupException("The backup's data key does not open with key '" + keyId
                    + "': the manifest was changed, or the key with that id is not the one that sealed it");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private Cipher cipher(int mode, String keyId, byte[] nonce, UUID instanceId, UUID backupId)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, keys.get(keyId), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(CONTEXT);
        cipher.updateAAD(keyId.getBytes(StandardCharsets.US_ASCII));
        cipher.updateAAD(ByteBuffer.allocate(32).putLong(instanceId.getMostSignificantBits())
                .putLong(instanceId.getLeastSignificantBits()).putLong(backupId.getMostSignificantBits())
                .putLong(backupId.getLeastSignificantBits()).array());
        return cipher;
    }

    @Override
    public String toString() {
        return "BackupKeys" + keys.keySet();
    }
}
