package io.redisbackup.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Instance passwords sealed as the services sealed them before seals were bound to an instance and endpoint (v1). */
public final class UnboundSeals {

    private UnboundSeals() {
    }

    /** The {@code v1.} seal of {@code password} with the key (base64 of 32 bytes). */
    public static String seal(String base64Key, String password) {
        try {
            byte[] nonce = new byte[12];
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(base64Key), "AES"),
                    new GCMParameterSpec(128, nonce));
            gcm.updateAAD("redis-backup/instance-password/v1".getBytes(StandardCharsets.US_ASCII));
            byte[] body = gcm.doFinal(password.getBytes(StandardCharsets.UTF_8));
            byte[] all = Arrays.copyOf(nonce, nonce.length + body.length);
            System.arraycopy(body, 0, all, nonce.length, body.length);
            return "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(all);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
