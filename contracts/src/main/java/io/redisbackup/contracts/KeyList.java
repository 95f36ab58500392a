package io.redisbackup.apigateway.service;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of a KEYS recovery as a person types them in a console: separated by {@code ;}, where a key that holds
 * a semicolon writes it {@code \;}, a backslash {@code \\}, and any byte {@code \xHH} (so keys that are not UTF-8
 * can be named too). Spaces belong to keys; a key that is empty or only spaces is left out, and a key named twice
 * counts once, in the order first given.
 */
public final class KeyList {

    private KeyList() {
    }

    /** The distinct keys, as bytes; IllegalArgumentException saying where the text is wrong. */
    public static List<byte[]> parse(String text) {
        List<byte[]> keys = new ArrayList<>();
        ByteArrayOutputStream key = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ';') {
                keys.add(key.toByteArray());
                key.reset();
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException("ends with a lone backslash; write \\\\ for a backslash");
                }
                char next = text.charAt(++i);
                if (next == ';' || next == '\\') {
                    key.write(next);
                } else if (next == 'x' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                    key.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    throw new IllegalArgumentException("has an unknown escape at character " + i
                            + "; use \\; \\\\ or \\xHH");
                }
            } else {
                int codePoint = text.codePointAt(i);
                key.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
        }
        keys.add(key.toByteArray());
        return distinctNonBlank(keys);
    }

    /** The keys of a JSON list, each as its UTF-8 bytes; the same rules for blanks and duplicates. */
    public static List<byte[]> of(List<String> keyList) {
        List<byte[]> keys = new ArrayList<>();
        for (String key : keyList) {
            if (key != null) {
                keys.add(key.getBytes(StandardCharsets.UTF_8));
            }
        }
        return distinctNonBlank(keys);
    }

    private static List<byte[]> distinctNonBlank(List<byte[]> keys) {
        Set<ByteBuffer> seen = new LinkedHashSet<>();
        for (byte[] key : keys) {
            if (!new String(key, StandardCharsets.ISO_8859_1).isBlank()) {
                seen.add(ByteBuffer.wrap(key));
            }
        }
        return seen.stream().map(ByteBuffer::array).toList();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
