package io.redisbackup.contracts.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
            29, 30, 31, 32 });

    private final SecretCipher cipher = new SecretCipher(KEY);

    @Test
    void opensWhatItSealed() {
        SealedSecret sealed = cipher.seal("s3cret pässword;");
        assertEquals("s3cret pässword;", cipher.open(sealed));
        assertFalse(sealed.value().contains("s3cret"));
        assertEquals("SealedSecret[sealed]", sealed.toString());
    }

    @Test
    void sealsTheSameSecretDifferentlyEachTime() {
        assertNotEquals(cipher.seal("same").value(), cipher.seal("same").value());
    }

    @Test
    void refusesASecretSealedWithAnotherKey() {
        SealedSecret sealed = new SecretCipher(OTHER_KEY).seal("secret");
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(sealed));
    }

    @Test
    void detectsOneChangedCharacter() {
        String value = cipher.seal("secret").value();
        char last = value.charAt(value.length() - 2);
        String altered = value.substring(0, value.length() - 2) + (last == 'A' ? 'B' : 'A') + value.charAt(value.length() - 1);
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(new SealedSecret(altered)));
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(new SealedSecret("v1.")));
    }

    @Test
    void refusesAKeyOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> new SecretCipher("c2hvcnQ="));
        assertThrows(IllegalArgumentException.class, () -> new SecretCipher("not base64!"));
        assertThrows(IllegalArgumentException.class, () -> new SecretCipher(null));
    }
}
