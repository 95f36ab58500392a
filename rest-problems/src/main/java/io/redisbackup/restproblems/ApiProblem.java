package io.redisbackup.restproblems;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A refusal the API answers with an RFC 9457 problem: an HTTP status, a stable {@code code} for programs, a
 * sentence for people, and, for invalid input, every invalid field.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;
    private final UUID taskId;

    public ApiProblem(int status, String code, String title, String detail, List<FieldError> errors,
            Map<String, String> headers, UUID taskId) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = errors;
        this.headers = headers;
        this.taskId = taskId;
    }

    public ApiProblem(int status, String code, String title, String detail, List<FieldError> errors,
            Map<String, String> headers) {
        this(status, code, title, detail, errors, headers, null);
    }

    public ApiProblem(int status, String code, String title, String detail, List<FieldError> errors) {
        this(status, code, title, detail, errors, Map.of());
    }

    public ApiProblem(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of());
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(404, what.toUpperCase().replace(' ', '_') + "_NOT_FOUND", capitalized(what) + " not found",
                "There is no " + what + " with id " + id + ".");
    }

    /** 400: a request that needs a body came without one. */
    public static ApiProblem missingBody() {
        return new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "The body is missing.",
                List.of(new FieldError("body", "is missing")));
    }

    public static ApiProblem conflict(String code, String detail) {
        return new ApiProblem(409, code, "Conflict", detail);
    }

    /** 409 because of a task under way, named in the problem's {@code taskId}. */
    public static ApiProblem busy(String code, String detail, UUID taskId) {
        return new ApiProblem(409, code, "Conflict", detail, List.of(), Map.of(), taskId);
    }

    /** 429: tried too often; {@code Retry-After} says in how many seconds to try again. */
    public static ApiProblem tooManyRequests(String code, String detail, Duration retryAfter) {
        long seconds = Math.max(1, retryAfter.toSeconds());
        return new ApiProblem(429, code, "Too many requests", detail + " Try again in " + seconds + " seconds.",
                List.of(), Map.of("Retry-After", Long.toString(seconds)));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** The task the problem is about (the one under way, for a 409), or null. */
    public UUID taskId() {
        return taskId;
    }

    /** Headers the answer carries besides the problem document (e.g. {@code Retry-After}). */
    public Map<String, String> headers() {
        return headers;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** One invalid field of a request: its name as the client sent it, and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
