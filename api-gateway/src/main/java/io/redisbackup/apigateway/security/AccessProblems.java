package io.redisbackup.apigateway.security;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.restproblems.ProblemMapper;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * The refusals of the security layer as problem documents: no or a bad token is 401 ({@code UNAUTHORIZED}), a role
 * too weak is 403 ({@code FORBIDDEN}, naming the role needed). An address whose requests keep failing
 * authentication is slowed down: past {@code gateway.unauthorized.max} failures in the window, its API requests get
 * 429 with {@code Retry-After} until the window has passed. The console's pages send a reader without a valid
 * session to sign in.
 */
@Singleton
public class AccessProblems {

    private final FailedAuthentications failures;

    public AccessProblems(FailedAuthentications failures) {
        this.failures = failures;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> slowDownRepeatedFailures(HttpServerRequest request, UriInfo uri) {
        return failures.blockedFor(address(request)).map(wait -> ProblemMapper.respond(ApiProblem.tooManyRequests(
                "TOO_MANY_FAILED_AUTHENTICATIONS", "Too many requests from this address failed authentication.", wait),
                uri));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpServerRequest request, UriInfo uri) {
        if (ApiTokenMechanism.isConsole(request.path())) {
            return toSignIn(request); // a page asked for without a session: nothing failed
        }
        return refuseUnauthenticated(request, uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request, UriInfo uri) {
        if (ApiTokenMechanism.isConsole(request.path())) {
            failures.failed(address(request));
            return toSignIn(request);
        }
        return refuseUnauthenticated(request, uri);
    }

    /**
     * A console request without a valid session goes to sign in: a page by a redirect, an htmx request by htmx's
     * own redirect header (a redirect would only swap the sign-in page into part of the page).
     */
    private static Response toSignIn(HttpServerRequest request) {
        if (request.getHeader("HX-Request") != null) {
            return Response.status(401).header("HX-Redirect", ApiTokenMechanism.SIGN_IN).build();
        }
        return Response.seeOther(java.net.URI.create(ApiTokenMechanism.SIGN_IN)).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, SimpleResourceInfo method, UriInfo uri) {
        String needed = neededRole(method).map(role -> "This needs the " + role + " role.")
                .orElse("This operation is not open to any caller.");
        return ProblemMapper.respond(new ApiProblem(403, "FORBIDDEN", "Forbidden", needed), uri);
    }

    private Response refuseUnauthenticated(HttpServerRequest request, UriInfo uri) {
        failures.failed(address(request));
        return ProblemMapper.respond(new ApiProblem(401, "UNAUTHORIZED", "Unauthorized",
                "Send a valid token: Authorization: Bearer <token>.", List.of(), Map.of("WWW-Authenticate", "Bearer")),
                uri);
    }

    /** The weakest role {@code @RolesAllowed} names on the method (or its class). */
    private static Optional<String> neededRole(SimpleResourceInfo info) {
        RolesAllowed allowed = ResourceMethods.of(info).map(m -> m.getAnnotation(RolesAllowed.class))
                .orElse(null);
        if (allowed == null && info != null && info.getResourceClass() != null) {
            allowed = info.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return allowed == null ? Optional.empty() : Arrays.stream(allowed.value()).map(Role::ofApiName)
                .filter(role -> role != null).min(Enum::compareTo).map(Role::apiName);
    }

    private static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

}
