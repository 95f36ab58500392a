package io.redisbackup.contracts.secret;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A secret sealed by {@link SecretCipher}: safe to store and to put on a topic, useless without the key. In JSON
 * it is one string, {@code "v2.<base64url of nonce and ciphertext>"} ({@code v1.} for the unbound seals of
 * before, which only the gateway opens, to seal them again bound).
 */
public record SealedSecret(String value) {

    @JsonCreator
    public SealedSecret {
        if (value == null || !(value.startsWith(SecretCipher.FORMAT_PREFIX)
                || value.startsWith(SecretCipher.UNBOUND_PREFIX))) {
            throw new IllegalArgumentException("not a sealed secret");
        }
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return "SealedSecret[sealed]";
    }
}
