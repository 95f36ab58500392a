package io.redisbackup.restproblems;

import java.util.Comparator;
import java.util.List;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Every error of the API as a problem document: invalid fields all at once, a stable code, and never a Java
 * class name or stack trace.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem problem, UriInfo uri) {
        return respond(problem, uri);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<ApiProblem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new ApiProblem.FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(ApiProblem.FieldError::field))
                .toList();
        return respond(invalidRequest("Some fields are invalid.", errors), uri);
    }

    @ServerExceptionMapper
    public Response unreadable(MismatchedInputException e, UriInfo uri) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
        String problem = e instanceof StrictJson.UnclearText ? e.getOriginalMessage() : "has the wrong type";
        return respond(invalidRequest("The field '" + field + "' " + problem + ".",
                List.of(new ApiProblem.FieldError(field, problem))), uri);
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e, UriInfo uri) {
        return respond(invalidRequest("The body is not valid JSON.",
                List.of(new ApiProblem.FieldError("body", "is not valid JSON"))), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status == 400) {
            return respond(invalidRequest("The body is missing or cannot be read.",
                    List.of(new ApiProblem.FieldError("body", "is missing or unreadable"))), uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        return respond(new ApiProblem(status, title.toUpperCase().replace(' ', '_'), title,
                status == 404 ? "There is nothing at this address." : title + "."), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.errorf(e, "Unexpected error on %s", uri.getPath());
        return respond(new ApiProblem(500, "INTERNAL_ERROR", "Internal error",
                "Something went wrong on our side; the error is logged."), uri);
    }

    private static ApiProblem invalidRequest(String detail, List<ApiProblem.FieldError> errors) {
        return new ApiProblem(400, "INVALID_REQUEST", "Invalid request", detail, errors);
    }

    /** The answer to {@code problem}: its status, its headers and the problem document. */
    public static Response respond(ApiProblem problem, UriInfo uri) {
        Problem body = new Problem("urn:redis-backup:problem:" + problem.code().toLowerCase().replace('_', '-'),
                problem.title(), problem.status(), problem.getMessage(), uri.getPath(), problem.code(), problem.errors(),
                problem.taskId());
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body);
        problem.headers().forEach(response::header);
        return response.build();
    }

    /**
     * The request field a violation is about: the last node of its path ({@code nodes[1]} for an element of a
     * list), or "body" for the body itself.
     */
    private static String fieldName(ConstraintViolation<?> violation) {
        String name = "body";
        int depth = 0;
        for (Path.Node node : violation.getPropertyPath()) {
            depth++;
            // method name and parameter name come first; the field is what follows
            if (depth > 2 && node.getKind() == jakarta.validation.ElementKind.CONTAINER_ELEMENT) {
                name = name + "[" + (node.getIndex() == null ? "" : node.getIndex()) + "]";
            } else if (depth > 2 && node.getName() != null) {
                name = node.getName();
            } else if (depth == 2 && node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
                name = node.getName();
            }
        }
        return name;
    }
}
