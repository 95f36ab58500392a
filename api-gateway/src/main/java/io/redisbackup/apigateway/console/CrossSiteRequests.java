package io.redisbackup.apigateway.console;

import java.util.Optional;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.redisbackup.apigateway.security.ApiTokenMechanism;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.restproblems.ProblemMapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Refuses a console request that changes something (signing in included) when the browser says it comes from
 * another site: its {@code Origin} is not the gateway's own, or, without one, {@code Sec-Fetch-Site} is not
 * {@code same-origin}. With the SameSite=Strict cookie and the CSRF header ({@link ConsoleSessions}), the third of
 * the console's defences against cross-site requests. A client that sends neither header is no browser page.
 */
@Singleton
public class CrossSiteRequests {

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> refuseCrossSiteChanges(HttpServerRequest request, UriInfo uri) {
        boolean changes = !HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method());
        if (!changes || !ApiTokenMechanism.isConsole(request.path()) || sameOrigin(request)) {
            return Optional.empty();
        }
        return Optional.of(ProblemMapper.respond(new ApiProblem(403, "CROSS_SITE_REQUEST", "Cross-site request",
                "The console takes changes from its own pages only."), uri));
    }

    private static boolean sameOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            String host = request.getHeader("Host");
            return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
        }
        String site = request.getHeader("Sec-Fetch-Site");
        return site == null || site.equals("same-origin");
    }
}
