package io.redisbackup.backupstore.keyindex;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A glob pattern over key names with Redis's own rules, byte for byte as {@code SCAN ... MATCH} and {@code KEYS}
 * apply them ({@code stringmatchlen} in Redis's {@code util.c}): {@code *} any bytes, {@code ?} one byte,
 * {@code [abc]}, {@code [a-z]} (ends in either order) and {@code [^...]} one byte of a set or not of it, {@code \}
 * takes the next byte as it is (inside brackets too). Bytes compare as Redis's C {@code char}s do on the machines it
 * runs on (signed), so ranges over bytes above 0x7f select what Redis selects. A pattern that ends inside brackets
 * matches as Redis matches it. A lone {@code *} selects every key, the empty one too, as {@code SCAN} and
 * {@code KEYS} do (they do not match it at all).
 */
public final class KeyPattern {

    /** Redis gives up past this depth of nested stars; so does this. */
    private static final int MAX_NESTING = 1000;

    private final byte[] pattern;
    private final byte[] prefix;

    private KeyPattern(byte[] pattern) {
        this.pattern = pattern.clone();
        this.prefix = literalPrefix(pattern);
    }

    public static KeyPattern of(byte[] pattern) {
        return new KeyPattern(pattern);
    }

    public byte[] bytes() {
        return pattern.clone();
    }

    /**
     * The bytes every matching key starts with: the pattern up to its first {@code *}, {@code ?} or {@code [}, with
     * escapes taken out. The key index is sorted, so only the keys under this prefix need be looked at.
     */
    public byte[] prefix() {
        return prefix.clone();
    }

    /** Whether the pattern names one key only (no wildcard): then it is that key. */
    public boolean isLiteral() {
        return literalPrefixEnd(pattern) == pattern.length;
    }

    public boolean matches(byte[] key) {
        return matches(key, 0, key.length);
    }

    public boolean matches(byte[] key, int offset, int length) {
        // Redis does not match a lone '*' at all: it takes every key, the empty one too
        return pattern.length == 1 && pattern[0] == '*' || match(0, key, offset, length, new boolean[1], 0);
    }

    private boolean match(int p, byte[] s, int at, int left, boolean[] skipLongerMatches, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        int patternLeft = pattern.length - p;
        while (patternLeft > 0 && left > 0) {
            switch (pattern[p]) {
                case '*' -> {
                    while (patternLeft > 1 && pattern[p + 1] == '*') {
                        p++;
                        patternLeft--;
                    }
                    if (patternLeft == 1) {
                        return true;
                    }
                    while (left > 0) {
                        if (match(p + 1, s, at, left, skipLongerMatches, nesting + 1)) {
                            return true;
                        }
                        if (skipLongerMatches[0]) {
                            return false;
                        }
                        at++;
                        left--;
                    }
                    // the rest of the pattern matches nowhere in the rest of the key: an earlier star taking more
                    // of it cannot help either
                    skipLongerMatches[0] = true;
                    return false;
                }
                case '?' -> {
                    at++;
                    left--;
                }
                case '[' -> {
                    p++;
                    patternLeft--;
                    boolean not = patternLeft > 0 && pattern[p] == '^';
                    if (not) {
                        p++;
                        patternLeft--;
                    }
                    boolean matched = false;
                    while (true) {
                        if (patternLeft == 0) {
                            // unterminated: Redis steps back onto the last byte, which the loop's end steps over
                            p--;
                            patternLeft++;
                            break;
                        } else if (pattern[p] == '\\' && patternLeft >= 2) {
                            p++;
                            patternLeft--;
                            matched |= pattern[p] == s[at];
                        } else if (pattern[p] == ']') {
                            break;
                        } else if (patternLeft >= 3 && pattern[p + 1] == '-') {
                            int start = pattern[p];
                            int end = pattern[p + 2];
                            if (start > end) {
                                int swap = start;
                                start = end;
                                end = swap;
                            }
                            p += 2;
                            patternLeft -= 2;
                            matched |= s[at] >= start && s[at] <= end;
                        } else {
                            matched |= pattern[p] == s[at];
                        }
                        p++;
                        patternLeft--;
                    }
                    if (not == matched) {
                        return false;
                    }
                    at++;
                    left--;
                }
                default -> {
                    if (pattern[p] == '\\' && patternLeft >= 2) {
                        p++;
                        patternLeft--;
                    }
                    if (pattern[p] != s[at]) {
                        return false;
                    }
                    at++;
                    left--;
                }
            }
            p++;
            patternLeft--;
            if (left == 0) {
                while (patternLeft > 0 && pattern[p] == '*') {
                    p++;
                    patternLeft--;
                }
                break;
            }
        }
        return patternLeft == 0 && left == 0;
    }

    private static int literalPrefixEnd(byte[] pattern) {
        for (int i = 0; i < pattern.length; i++) {
            switch (pattern[i]) {
                case '*', '?', '[' -> {
                    return i;
                }
                case '\\' -> {
                    if (i + 1 < pattern.length) {
                        i++;
                    }
                }
                default -> {
                }
            }
        }
        return pattern.length;
    }

    private static byte[] literalPrefix(byte[] pattern) {
        int end = literalPrefixEnd(pattern);
        ByteArrayOutputStream prefix = new ByteArrayOutputStream(end);
        for (int i = 0; i < end; i++) {
            if (pattern[i] == '\\' && i + 1 < pattern.length) {
                i++;
            }
            prefix.write(pattern[i]);
        }
        return prefix.toByteArray();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyPattern p && Arrays.equals(pattern, p.pattern);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pattern);
    }

    @Override
    public String toString() {
        return "KeyPattern[" + new String(pattern, java.nio.charset.StandardCharsets.ISO_8859_1) + "]";
    }
}
