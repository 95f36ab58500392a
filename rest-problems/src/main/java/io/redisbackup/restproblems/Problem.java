package io.redisbackup.restproblems;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of an error response (RFC 9457, {@code application/problem+json}); {@code taskId} names the task a
 * conflict is about.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, String code,
        List<ApiProblem.FieldError> errors, UUID taskId) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
