package io.redisbackup.restproblems;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * Text that can be stored and shown faithfully: no NUL character, no lone surrogate. JSON strings are held to it by
 * {@link StrictJson}; query parameters by {@link #refuseUncleanQueryParameters}, before any resource sees them.
 */
public class CleanText {

    public static final String PROBLEM = "holds a NUL character or a lone surrogate";

    public static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @ServerRequestFilter
    public Optional<Response> refuseUncleanQueryParameters(ContainerRequestContext request) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters().entrySet()) {
            if (!isClean(parameter.getKey()) || !parameter.getValue().stream().allMatch(CleanText::isClean)) {
                errors.add(new ApiProblem.FieldError(isClean(parameter.getKey()) ? parameter.getKey() : "query", PROBLEM));
            }
        }
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ProblemMapper.respond(new ApiProblem(400, "INVALID_REQUEST", "Invalid request",
                "Some query parameters are invalid.", errors), request.getUriInfo()));
    }
}
