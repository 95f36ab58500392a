package io.redisbackup.apigateway.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

import jakarta.ws.rs.core.StreamingOutput;

/**
 * Streams a stored file while it hashes it, and holds the last piece back until the whole file is known to have the
 * size and SHA-256 its manifest names. On a mismatch it reports the damage and throws before the last piece: the
 * connection is cut short of its Content-Length, so no client ever holds a complete-looking damaged file.
 */
final class VerifiedDownload implements StreamingOutput {

    private static final int PIECE = 64 * 1024;

    private final InputStream data;
    private final long sizeBytes;
    private final String sha256;
    private final Consumer<String> damaged;

    /** @param damaged told what is wrong, before the connection is cut */
    VerifiedDownload(InputStream data, long sizeBytes, String sha256, Consumer<String> damaged) {
        this.data = data;
        this.sizeBytes = sizeBytes;
        this.sha256 = sha256;
        this.damaged = damaged;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        MessageDigest digest = sha256();
        byte[] held = new byte[PIECE];
        byte[] next = new byte[PIECE];
        int heldLength = 0;
        long total = 0;
        try (data) {
            int read;
            while ((read = readNext(next)) > 0) {
                total += read;
                if (total > sizeBytes) {
                    throw damage("it is longer than the " + sizeBytes + " bytes its manifest names");
                }
                digest.update(next, 0, read);
                out.write(held, 0, heldLength);
                byte[] swap = held;
                held = next;
                next = swap;
                heldLength = read;
            }
        }
        if (total != sizeBytes) {
            throw damage("it has " + total + " of the " + sizeBytes + " bytes its manifest names");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(sha256)) {
            throw damage("its SHA-256 is " + actual + ", not the " + sha256 + " recorded when it was taken");
        }
        out.write(held, 0, heldLength);
    }

    /** The next piece; a stored file that fails its frames' checks is damage too. */
    private int readNext(byte[] piece) throws IOException {
        try {
            return data.readNBytes(piece, 0, PIECE);
        } catch (DamagedBackupException e) {
            throw damage(e.getMessage());
        }
    }

    private IOException damage(String what) {
        String message = "The stored backup is damaged: " + what + ".";
        damaged.accept(message);
        return new IOException(message + " The download was cut short.");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
