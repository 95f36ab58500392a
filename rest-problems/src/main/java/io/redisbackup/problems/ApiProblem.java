package io.redisbackup.problems;

import java.util.List;

/**
 * A refusal the API answers with an RFC 9457 problem: an HTTP status, a stable {@code code} for programs, a
 * sentence for people, and, for invalid input, every invalid field.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;

    public ApiProblem(int status, String code, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = errors;
    }

    public ApiProblem(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of());
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(404, what.toUpperCase().replace(' ', '_') + "_NOT_FOUND", capitalized(what) + " not found",
                "There is no " + what + " with id " + id + ".");
    }

    public static ApiProblem conflict(String code, String detail) {
        return new ApiProblem(409, code, "Conflict", detail);
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

    /** Headers the answer carries besides the problem document (e.g. {@code Retry-After}). */
    public java.util.Map<String, String> headers() {
        return java.util.Map.of();
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** One invalid field of a request: its name as the client sent it, and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
