package io.redisbackup.contracts.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.redisbackup.testsupport.UnboundSeals;

class SecretCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
            29, 30, 31, 32 });

    private static final UUID INSTANCE = UUID.fromString("7b1e4c2a-9d3f-4a5b-8c6d-1e2f3a4b5c61");
    private static final SealBinding HERE = new SealBinding(INSTANCE, "10.0.0.5", 6379, null, false);

    private final SecretCipher cipher = new SecretCipher(KEY);

    @Test
    void opensWhatItSealed() {
        SealedSecret sealed = cipher.seal("s3cret pässword;", HERE);
        assertEquals("s3cret pässword;", cipher.open(sealed, HERE));
        assertFalse(sealed.value().contains("s3cret"));
        assertEquals("SealedSecret[sealed]", sealed.toString());
    }

    @Test
    void sealsTheSameSecretDifferentlyEachTime() {
        assertNotEquals(cipher.seal("same", HERE).value(), cipher.seal("same", HERE).value());
    }

    @Test
    void refusesASecretSealedWithAnotherKey() {
        SealedSecret sealed = new SecretCipher(OTHER_KEY).seal("secret", HERE);
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(sealed, HERE));
    }

    @Test
    void detectsOneChangedCharacter() {
        String value = cipher.seal("secret", HERE).value();
        char last = value.charAt(value.length() - 2);
        String altered = value.substring(0, value.length() - 2) + (last == 'A' ? 'B' : 'A') + value.charAt(value.length() - 1);
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(new SealedSecret(altered), HERE));
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(new SealedSecret("v2."), HERE));
    }

    @ParameterizedTest
    @MethodSource("elsewhere")
    void opensOnlyForTheInstanceAndEndpointItWasSealedFor(SealBinding elsewhere) {
        SealedSecret sealed = cipher.seal("secret", HERE);
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(sealed, elsewhere));
    }

    static Stream<SealBinding> elsewhere() {
        return Stream.of(new SealBinding(UUID.randomUUID(), "10.0.0.5", 6379, null, false),
                new SealBinding(INSTANCE, "10.0.0.6", 6379, null, false),
                new SealBinding(INSTANCE, "10.0.0.5", 6380, null, false),
                new SealBinding(INSTANCE, "10.0.0.5", 6379, "default", false),
                new SealBinding(INSTANCE, "10.0.0.5", 6379, null, true),
                // the same characters, split differently between the fields
                new SealBinding(INSTANCE, "10.0.0.56379", 0, null, false));
    }

    @Test
    void opensAnUnboundSealOnlyToSealItAgain() {
        SealedSecret unbound = new SealedSecret(UnboundSeals.seal(KEY, "old"));

        assertTrue(SecretCipher.isUnbound(unbound));
        assertEquals("old", cipher.openUnbound(unbound));
        assertThrows(SecretCipher.InvalidSecretException.class, () -> cipher.open(unbound, HERE),
                "a worker never opens an unbound seal");
        assertThrows(SecretCipher.InvalidSecretException.class,
                () -> cipher.openUnbound(cipher.seal("new", HERE)));
    }

    @Test
    void refusesAKeyOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> new SecretCipher("c2hvcnQ="));
        assertThrows(IllegalArgumentException.class, () -> new SecretCipher("not base64!"));
        assertThrows(IllegalArgumentException.class, () -> new SecretCipher(null));
    }
}
