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
 * changed byte is detected. A seal is bound to the instance and endpoint it is for ({@link SealBinding}, as
 * associated data) and opens only for them. The gateway seals; the workers, which hold the same key, open what they
 * need to connect, with the binding of the command they carry out.
 */
public final class SecretCipher {

    /** Seals bound to an instance and endpoint. */
    static final String FORMAT_PREFIX = "v2.";
    /** Seals of before the binding: only {@link #openUnbound} opens them, to migrate them. */
    static final String UNBOUND_PREFIX = "v1.";
    private static final byte[] CONTEXT = "redis-backup/instance-password/v2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNBOUND_CONTEXT = "redis-backup/instance-password/v1".getBytes(StandardCharsets.US_ASCII);
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

    /** Seals the secret for this instance and endpoint only. */
    public SealedSecret seal(String secret, SealBinding binding) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, CONTEXT, binding.associatedData());
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return new SealedSecret(FORMAT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The secret, or {@link InvalidSecretException} when it was sealed for another instance or endpoint, with
     * another key, altered, or sealed before seals were bound.
     */
    public String open(SealedSecret sealed, SealBinding binding) {
        return open(sealed, FORMAT_PREFIX, CONTEXT, binding.associatedData());
    }

    /** A seal of before the binding ({@code v1.}), to seal it again bound; nothing else may open one. */
    public String openUnbound(SealedSecret sealed) {
        return open(sealed, UNBOUND_PREFIX, UNBOUND_CONTEXT, new byte[0]);
    }

    /** Whether the seal is of before the binding, and so to be sealed again. */
    public static boolean isUnbound(SealedSecret sealed) {
        return sealed.value().startsWith(UNBOUND_PREFIX);
    }

    private String open(SealedSecret sealed, String prefix, byte[] context, byte[] associatedData) {
        if (!sealed.value().startsWith(prefix)) {
            throw new InvalidSecretException();
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(sealed.value().substring(prefix.length()));
            if (in.length <= NONCE_BYTES) {
                throw new InvalidSecretException();
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(in, NONCE_BYTES), context, associatedData);
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidSecretException();
        }
    }

    private Cipher cipher(int mode, byte[] nonce, byte[] context, byte[] associatedData)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context);
        cipher.updateAAD(associatedData);
        return cipher;
    }

    /** The sealed secret cannot be opened here: another key, another instance or endpoint, or altered. */
    public static final class InvalidSecretException extends RuntimeException {
        public InvalidSecretException() {
            super("The sealed secret cannot be opened with this key for this instance and endpoint");
        }
    }
}
