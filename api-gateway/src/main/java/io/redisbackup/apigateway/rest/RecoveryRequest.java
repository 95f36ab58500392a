package io.redisbackup.apigateway.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.redisbackup.apigateway.service.KeysWanted;
import io.redisbackup.contracts.KeyList;
import io.redisbackup.restproblems.ApiProblem;

/** A recovery as a user asks for it. */
public record RecoveryRequest(
        @Schema(description = "The backup to recover from; a SUCCEEDED backup of this instance") String backupId,
        @Schema(description = "The password of the instance whose data is replaced, as its owner set it") String password,
        @Schema(description = "INSTANCE: replace the whole dataset; KEYS: rewrite only the given keys", enumeration = { "INSTANCE", "KEYS" }) String mode,
        @Schema(description = "KEYS mode: keys separated by semicolons, as typed in a console", examples = "user:1;user:2") String keys,
        @Schema(description = "KEYS mode: the keys as a JSON list of UTF-8 strings, for programs") List<String> keyList,
        @Schema(description = "KEYS mode: the keys as a JSON list of Base64 strings, for keys that are not UTF-8") List<String> keyListBase64,
        @Schema(description = "KEYS mode: glob patterns over key names, with Redis's rules as in SCAN ... MATCH "
                + "(*, ?, [abc], [a-z], [^...], \\ escapes), as UTF-8 strings; beside keys or instead of them",
                examples = "[\"user:*\", \"cart:[0-9]*\"]") List<String> patterns,
        @Schema(description = "KEYS mode: the patterns as Base64 strings, for patterns that are not UTF-8") List<String> patternsBase64,
        @Schema(description = "KEYS mode: take keys from these databases only (every database when absent)") List<Integer> databases,
        @Schema(description = "Answer 200 with what the recovery would do, and do nothing; needs no password") Boolean dryRun,
        @Schema(description = "INSTANCE mode: first back up the instance whose dataset is replaced, as it is now "
                + "(type PRE_RECOVERY, kept 7 days; the way back); true unless false") Boolean safetyBackup,
        @Schema(description = "Recover into this other registered instance instead (a clone)") String targetInstanceId) {

    /** At most this many keys in one KEYS recovery. */
    public static final int MAX_KEYS = 1000;
    /** At most this many bytes of key names in one KEYS recovery. */
    public static final int MAX_KEY_BYTES = 64 << 10;
    /** At most this many patterns in one KEYS recovery, each of at most {@link #MAX_PATTERN_BYTES}. */
    public static final int MAX_PATTERNS = 100;
    public static final int MAX_PATTERN_BYTES = 1024;
    /** The highest database number a recovery may name. */
    public static final int MAX_DATABASE = 65535;

    /**
     * A recovery asked for from a console form: keys typed with ';' between them; the safety backup's box, read
     * for mode INSTANCE only.
     */
    public static RecoveryRequest ofForm(String backupId, String password, String mode, String keys,
            boolean safetyBackup, String targetInstanceId) {
        return new RecoveryRequest(backupId, password, mode, keys, null, null, null, null, null, null,
                "INSTANCE".equals(mode) ? safetyBackup : null, targetInstanceId);
    }

    /** How much a recovery rewrites. */
    public enum Mode {
        INSTANCE, KEYS
    }

    /** The checked request, or a 400 problem naming every invalid field. */
    public Checked check() {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        UUID backup = uuid(backupId, "backupId", true, errors);
        UUID target = uuid(targetInstanceId, "targetInstanceId", false, errors);
        boolean dry = Boolean.TRUE.equals(dryRun);
        if (!dry && (password == null || password.isEmpty())) {
            errors.add(new ApiProblem.FieldError("password", "must be the instance's password"));
        }
        Mode parsed = null;
        try {
            parsed = Mode.valueOf(String.valueOf(mode));
        } catch (IllegalArgumentException e) {
            errors.add(new ApiProblem.FieldError("mode", "must be INSTANCE or KEYS"));
        }
        KeysWanted wanted = parsed == Mode.KEYS ? checkedSelection(errors) : null;
        if (parsed == Mode.INSTANCE && (keys != null || keyList != null || keyListBase64 != null)) {
            errors.add(new ApiProblem.FieldError("keys", "is for mode KEYS; mode INSTANCE recovers every key"));
        }
        if (parsed == Mode.INSTANCE && (patterns != null || patternsBase64 != null || databases != null)) {
            errors.add(new ApiProblem.FieldError(patterns != null || patternsBase64 != null ? "patterns"
                    : "databases", "is for mode KEYS; mode INSTANCE recovers every key"));
        }
        if (parsed == Mode.KEYS && safetyBackup != null) {
            errors.add(new ApiProblem.FieldError("safetyBackup", "is for mode INSTANCE; mode KEYS replaces only "
                    + "the keys chosen"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some fields are invalid.", errors);
        }
        return new Checked(backup, password, parsed, target, wanted, dry, !Boolean.FALSE.equals(safetyBackup));
    }

    /**
     * {@code keys} is null in mode INSTANCE; {@code password} may be null in a dry run; {@code safetyBackup} is
     * whether an INSTANCE recovery backs the target up first.
     */
    public record Checked(UUID backupId, String password, Mode mode, UUID targetInstanceId, KeysWanted keys,
            boolean dryRun, boolean safetyBackup) {
    }

    /** The keys and patterns of mode KEYS, and its databases; at least one key or pattern. */
    private KeysWanted checkedSelection(List<ApiProblem.FieldError> errors) {
        boolean namesKeys = keys != null || keyList != null || keyListBase64 != null;
        boolean namesPatterns = patterns != null || patternsBase64 != null;
        if (!namesKeys && !namesPatterns) {
            errors.add(new ApiProblem.FieldError("keys", "is required in mode KEYS (or keyList, keyListBase64, "
                    + "patterns or patternsBase64)"));
            return null;
        }
        List<byte[]> named = namesKeys ? checkedKeys(errors) : List.of();
        List<byte[]> globs = namesPatterns ? checkedPatterns(errors) : List.of();
        List<Integer> inDatabases = checkedDatabases(errors);
        return named == null || globs == null || inDatabases == null ? null
                : new KeysWanted(named, globs, inDatabases);
    }

    private List<byte[]> checkedPatterns(List<ApiProblem.FieldError> errors) {
        if (patterns != null && patternsBase64 != null) {
            errors.add(new ApiProblem.FieldError("patterns", "give the patterns one way: patterns or patternsBase64"));
            return null;
        }
        String field = patterns != null ? "patterns" : "patternsBase64";
        List<byte[]> parsed;
        try {
            parsed = patterns != null ? KeyList.of(patterns) : KeyList.ofBase64(patternsBase64);
        } catch (IllegalArgumentException e) {
            errors.add(new ApiProblem.FieldError(field, e.getMessage()));
            return null;
        }
        if (parsed.isEmpty()) {
            errors.add(new ApiProblem.FieldError(field, "names no pattern (empty and blank ones are left out)"));
        } else if (parsed.size() > MAX_PATTERNS) {
            errors.add(new ApiProblem.FieldError(field, "has " + parsed.size() + " patterns; at most "
                    + MAX_PATTERNS));
        } else if (parsed.stream().anyMatch(pattern -> pattern.length > MAX_PATTERN_BYTES)) {
            errors.add(new ApiProblem.FieldError(field, "has a pattern longer than " + MAX_PATTERN_BYTES + " bytes"));
        }
        return parsed;
    }

    private List<Integer> checkedDatabases(List<ApiProblem.FieldError> errors) {
        if (databases == null) {
            return List.of();
        }
        if (databases.isEmpty() || databases.stream().anyMatch(db -> db == null || db < 0 || db > MAX_DATABASE)) {
            errors.add(new ApiProblem.FieldError("databases", "must list database numbers from 0 to "
                    + MAX_DATABASE + " (leave it out for every database)"));
            return null;
        }
        return databases.stream().distinct().sorted().toList();
    }

    private List<byte[]> checkedKeys(List<ApiProblem.FieldError> errors) {
        int given = (keys != null ? 1 : 0) + (keyList != null ? 1 : 0) + (keyListBase64 != null ? 1 : 0);
        if (given != 1) {
            errors.add(new ApiProblem.FieldError("keys", "give the keys one way: keys, keyList or keyListBase64"));
            return null;
        }
        String field = keys != null ? "keys" : keyList != null ? "keyList" : "keyListBase64";
        List<byte[]> parsed;
        try {
            parsed = keys != null ? KeyList.parse(keys) : keyList != null ? KeyList.of(keyList) : KeyList.ofBase64(keyListBase64);
        } catch (IllegalArgumentException e) {
            errors.add(new ApiProblem.FieldError(field, e.getMessage()));
            return null;
        }
        long bytes = parsed.stream().mapToLong(key -> key.length).sum();
        if (parsed.isEmpty()) {
            errors.add(new ApiProblem.FieldError(field, "names no key (empty and blank keys are left out)"));
        } else if (parsed.size() > MAX_KEYS) {
            errors.add(new ApiProblem.FieldError(field, "names " + parsed.size() + " keys; at most " + MAX_KEYS
                    + " in one recovery"));
        } else if (bytes > MAX_KEY_BYTES) {
            errors.add(new ApiProblem.FieldError(field, "names " + bytes + " bytes of keys; at most " + MAX_KEY_BYTES
                    + " in one recovery"));
        }
        return parsed;
    }

    private static UUID uuid(String text, String field, boolean required, List<ApiProblem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            if (required) {
                errors.add(new ApiProblem.FieldError(field, "is required"));
            }
            return null;
        }
        try {
            return UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            errors.add(new ApiProblem.FieldError(field, "is not an id"));
            return null;
        }
    }
}
