package io.redisbackup.contracts.secret;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * What a sealed password is for: one instance at one endpoint. It is bound into the seal as associated data, so a
 * seal copied into a command for another instance, host, port, user or TLS setting cannot be opened, and the
 * password never reaches a place it was not given for.
 */
public record SealBinding(UUID instanceId, String host, int port, String username, boolean tls) {

    /** The bytes bound into the seal: every field, each with its length, so no two bindings give the same bytes. */
    byte[] associatedData() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(String.valueOf(instanceId));
            out.writeUTF(host == null ? "" : host);
            out.writeInt(port);
            out.writeUTF(username == null ? "" : username);
            out.writeBoolean(tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
