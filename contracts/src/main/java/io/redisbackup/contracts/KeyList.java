package io.redisbackup.contracts;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of a KEYS recovery as a person types them in a console: separated by {@code ;}, where a key that holds
 * a semicolon writes it {@code \;}, a backslash {@code \\}, and any byte {@code \xHH} (so keys that are not UTF-8
 * can be named too). Spaces belong to keys; a key that is empty or only spaces is left out, and a key named twice
 * counts once, in the order first given. {@link #format} writes a key the same way, so that what the services
 * report can be typed back.
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

    /** Keys given as Base64 by a program: exact bytes; only empty keys and repeats are left out. */
    public static List<byte[]> ofBase64(List<String> keyList) {
        Set<ByteBuffer> seen = new LinkedHashSet<>();
        for (int i = 0; i < keyList.size(); i++) {
            String key = keyList.get(i);
            if (key == null) {
                continue;
            }
            try {
                byte[] bytes = Base64.getDecoder().decode(key.strip());
                if (bytes.length > 0) {
                    seen.add(ByteBuffer.wrap(bytes));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("item " + i + " is not Base64");
            }
        }
        return seen.stream().map(ByteBuffer::array).toList();
    }

    /** The key as {@link #parse} reads it back: UTF-8 text as it is, other bytes as {@code \xHH}. */
    public static String format(byte[] key) {
        StringBuilder text = new StringBuilder(key.length + 8);
        String decoded = utf8(key);
        if (decoded != null) {
            decoded.codePoints().forEach(c -> {
                if (c < 0x20 || c == 0x7f) {
                    text.append(String.format("\\x%02x", c));
                } else {
                    escaped(text, c);
                }
            });
        } else {
            for (byte b : key) {
                int c = b & 0xff;
                if (c < 0x20 || c >= 0x7f) {
                    text.append(String.format("\\x%02x", c));
                } else {
                    escaped(text, c);
                }
            }
        }
        return text.toString();
    }

    private static void escaped(StringBuilder text, int codePoint) {
        if (codePoint == ';' || codePoint == '\\') {
            text.append('\\');
        }
        text.appendCodePoint(codePoint);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
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
