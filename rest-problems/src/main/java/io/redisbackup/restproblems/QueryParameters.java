package io.redisbackup.restproblems;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Query parameters read as given: each invalid one adds a field error, so that a request names every invalid
 * parameter at once ({@link #refuseIfAny}).
 */
public final class QueryParameters {

    /** Reads one parameter's text; an {@link IllegalArgumentException} or {@link DateTimeParseException} means invalid. */
    public interface Parser<T> {
        T parse(String text);
    }

    private QueryParameters() {
    }

    /** The parsed value, null when the parameter is absent or blank; {@code problem} is recorded when invalid. */
    public static <T> T parse(String text, String field, String problem, List<ApiProblem.FieldError> errors,
            Parser<T> parser) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return parser.parse(text.strip());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            errors.add(new ApiProblem.FieldError(field, problem));
            return null;
        }
    }

    /** The earliest and latest instants a query may name: what a database column and a person can use. */
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    public static Instant instant(String text, String field, List<ApiProblem.FieldError> errors) {
        Instant instant = parse(text, field, "is not an ISO-8601 instant such as 2026-11-24T02:00:00Z", errors,
                Instant::parse);
        if (instant != null && (instant.isBefore(EARLIEST) || instant.isAfter(LATEST))) {
            errors.add(new ApiProblem.FieldError(field, "must be from " + EARLIEST + " to " + LATEST));
            return null;
        }
        return instant;
    }

    /** Refuses a page that starts beyond what a query can skip: page × size must stay below 2^31. */
    public static void reachable(int page, int size, List<ApiProblem.FieldError> errors) {
        if ((long) page * size > Integer.MAX_VALUE) {
            errors.add(new ApiProblem.FieldError("page", "is too far: page × size must stay below 2147483648"));
        }
    }

    /** A whole number from {@code min} to {@code max}; {@code fallback} when absent. */
    public static int bounded(String text, String field, int min, int max, int fallback,
            List<ApiProblem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new ApiProblem.FieldError(field, "must be a whole number from " + min
                + (max == Integer.MAX_VALUE ? " up" : " to " + max)));
        return fallback;
    }

    /** 400 naming every invalid parameter, when there is one. */
    public static void refuseIfAny(List<ApiProblem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some query parameters are invalid.", errors);
        }
    }
}
