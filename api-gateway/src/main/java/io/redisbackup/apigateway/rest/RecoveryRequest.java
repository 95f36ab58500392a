package io.redisbackup.apigateway.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.redisbackup.problems.ApiProblem;

/** A recovery as a user asks for it. */
public record RecoveryRequest(
        @Schema(description = "The backup to recover from; a SUCCEEDED backup of this instance") String backupId,
        @Schema(description = "The password of the instance whose data is replaced, as its owner set it") String password,
        @Schema(description = "INSTANCE: replace the whole dataset; KEYS: rewrite only the given keys", enumeration = { "INSTANCE", "KEYS" }) String mode,
        @Schema(description = "KEYS mode: keys separated by semicolons, as typed in a console", examples = "user:1;user:2") String keys,
        @Schema(description = "KEYS mode: the keys as a JSON list, for programs") List<String> keyList,
        @Schema(description = "Recover into this other registered instance instead (a clone)") String targetInstanceId) {

    /** How much a recovery rewrites. */
    public enum Mode {
        INSTANCE, KEYS
    }

    /** The checked request, or a 400 problem naming every invalid field. */
    Checked check() {
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
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some fields are invalid.", errors);
        }
        return new Checked(backup, password, parsed, target);
    }

    record Checked(UUID backupId, String password, Mode mode, UUID targetInstanceId) {
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
