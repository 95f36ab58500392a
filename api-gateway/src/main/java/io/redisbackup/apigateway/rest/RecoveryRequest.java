package io.redisbackup.apigateway.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
        @Schema(description = "Recover into this other registered instance instead (a clone)") String targetInstanceId) {

    /** At most this many keys in one KEYS recovery. */
    public static final int MAX_KEYS = 1000;
    /** At most this many bytes of key names in one KEYS recovery. */
    public static final int MAX_KEY_BYTES = 64 << 10;

    /** How much a recovery rewrites. */
    public enum Mode {
        INSTANCE, KEYS
    }

    /** The checked request, or a 400 problem naming every invalid field. */
    public Checked check() {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        UUID backup = uuid(backupId, "backupId", true, errors);
        UUID target = uuid(targetInstanceId, "targetInstanceId", false, errors);
        if (password == null || password.isEmpty()) {
            errors.add(new ApiProblem.FieldError("password", "must be the instance's password"));
        }
        Mode parsed = null;
        try {
            parsed = Mode.valueOf(String.valueOf(mode));
        } catch (IllegalArgumentException e) {
            errors.add(new ApiProblem.FieldError("mode", "must be INSTANCE or KEYS"));
        }
        List<byte[]> keyBytes = parsed == Mode.KEYS ? checkedKeys(errors) : null;
        if (parsed == Mode.INSTANCE && (keys != null || keyList != null || keyListBase64 != null)) {
            errors.add(new ApiProblem.FieldError("keys", "is for mode KEYS; mode INSTANCE recovers every key"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some fields are invalid.", errors);
        }
        return new Checked(backup, password, parsed, target, keyBytes);
    }

    /** {@code keys} is null in mode INSTANCE. */
    public record Checked(UUID backupId, String password, Mode mode, UUID targetInstanceId, List<byte[]> keys) {
    }

    private List<byte[]> checkedKeys(List<ApiProblem.FieldError> errors) {
        int given = (keys != null ? 1 : 0) + (keyList != null ? 1 : 0) + (keyListBase64 != null ? 1 : 0);
        if (given != 1) {
            errors.add(new ApiProblem.FieldError("keys", given == 0 ? "is required in mode KEYS (or keyList, or "
                    + "keyListBase64)" : "give the keys one way: keys, keyList or keyListBase64"));
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
