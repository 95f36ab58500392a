package io.redisbackup.apigateway.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.core.StreamingOutput;

/**
 * A tar archive (POSIX ustar) of files streamed one after the other, each written by its own {@link StreamingOutput}
 * (a {@link VerifiedDownload}, so a damaged file cuts the archive short): what a cluster backup's download of every
 * shard at once is. Its length is known before the first byte ({@link #length}). A file of 8 GiB or more has its
 * size in the base-256 form GNU tar and every current tar reads.
 */
final class TarArchive implements StreamingOutput {

    private static final int BLOCK = 512;

    /** One file of the archive: its name (ASCII, under 100 bytes), size, and what writes its bytes. */
    record Entry(String name, long sizeBytes, StreamingOutput content) {
    }

    private final List<Entry> entries;
    private final long mtimeSeconds;

    TarArchive(List<Entry> entries, long mtimeSeconds) {
        this.entries = entries;
        this.mtimeSeconds = mtimeSeconds;
    }

    /** The archive's length in bytes: each file's header and its blocks, then two empty blocks. */
    long length() {
        long length = 2 * BLOCK;
        for (Entry entry : entries) {
            length += BLOCK + padded(entry.sizeBytes());
        }
        return length;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        for (Entry entry : entries) {
            out.write(header(entry));
            entry.content().write(out);
            out.write(new byte[(int) (padded(entry.sizeBytes()) - entry.sizeBytes())]);
        }
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private byte[] header(Entry entry) {
        byte[] header = new byte[BLOCK];
        byte[] name = entry.name().getBytes(StandardCharsets.US_ASCII);
        if (name.length >= 100) {
            throw new IllegalArgumentException("a tar name under 100 bytes: " + entry.name());
        }
        System.arraycopy(name, 0, header, 0, name.length);
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        if (entry.sizeBytes() < 1L << 33) {
            octal(header, 124, 12, entry.sizeBytes());
        } else {
            header[124] = (byte) 0x80; // base-256: the size, big-endian, in the field's last 8 bytes
            for (int i = 0; i < 8; i++) {
                header[135 - i] = (byte) (entry.sizeBytes() >>> (8 * i));
            }
        }
        octal(header, 136, 12, mtimeSeconds);
        header[156] = '0';
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
        header[263] = '0';
        header[264] = '0';
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        return header;
    }

    /** {@code value} in octal, zero-padded, ending with NUL, in {@code length} bytes at {@code offset}. */
    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
        header[offset + length - 1] = 0;
    }
}
