package io.redisbackup.contracts.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens instance passwords with AES-256-GCM: a fresh 96-bit nonce per secret and a 128-bit tag, so a
 * changed byte is detected. The gateway seals; the workers, which hold the same key, open what they need to
 * connect.
 */
public final class SecretCipher {

    static final String FORMAT_PREFIX = "v1.";
    private static final byte[] CONTEXT = "redis-backup/instance-password/v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Key 32 random bytes, base64 ({@code openssl rand -base64 32}) */
    public SecretCipher(String base64Key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key == null ? "" : base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The secret key is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException("The secret key must be 32 bytes (base64 of 32 random bytes), not "
                    + bytes.length);
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    public SealedSecret seal(String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return new SealedSecret(FORMAT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The secret, or {@link InvalidSecretException} when it was sealed with another key or altered. */
    public String open(SealedSecret sealed) {
        try {
            byte[] in = Base64.getUrlDecoder().decode(sealed.value().substring(FORMAT_PREFIX.length()));
            if (in.length <= NONCE_BYTES) {
                throw new InvalidSecretException();
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(in, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidSecretException();
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(CONTEXT);
        return cipher;
    }

    /** The sealed secret was not sealed with this key, or was changed. */
    public static final class InvalidSecretException extends RuntimeException {
        public InvalidSecretException() {
            super("The sealed secret cannot be opened with this key (another key, or altered)");
        }
    }
}
