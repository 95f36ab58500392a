package io.redisbackup.apigateway.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.redisbackup.apigateway.console.ConsoleSessions;
import io.redisbackup.apigateway.service.TokenService;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads {@code Authorization: Bearer rbk_...} and makes its holder the caller: roles from the token's role (and
 * every weaker one), projects as the attribute {@link Caller#PROJECTS}. A bearer token without our prefix is left to
 * other mechanisms (an identity provider's JWTs); none at all leaves the request anonymous, which every API method
 * refuses with 401.
 *
 * <p>Under {@code /console} only, the console's session cookie ({@link ConsoleSessions#COOKIE}) stands for the token
 * it was opened with; a request that changes something (any method but GET and HEAD) must also send the session's
 * CSRF value in {@link ConsoleSessions#CSRF_HEADER}, else it fails authentication. (Such requests from other sites
 * are refused before, by {@code CrossSiteRequests}.) An anonymous console page request is sent to sign in.
 */
@ApplicationScoped
public class ApiTokenMechanism implements HttpAuthenticationMechanism {

    private static final String SCHEME = "Bearer";
    /** The console's pages; its session cookie counts there only. */
    public static final String CONSOLE = "/console";
    /** Where an anonymous console page request is sent. */
    public static final String SIGN_IN = CONSOLE + "/sign-in";
    /** The identity attribute with a console session's CSRF value, for its pages to send back. */
    public static final String CSRF = "csrf";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String secret = bearer(context);
        if (secret == null && isConsole(context)) {
            boolean changes = !HttpMethod.GET.equals(context.request().method())
                    && !HttpMethod.HEAD.equals(context.request().method());
            Cookie session = context.request().getCookie(ConsoleSessions.COOKIE);
            if (session != null && !session.getValue().isEmpty()) {
                String csrf = context.request().getHeader(ConsoleSessions.CSRF_HEADER);
                return identities.authenticate(new ConsoleSessionRequest(session.getValue(),
                        changes ? Optional.of(csrf == null ? "" : csrf) : Optional.empty()));
            }
            return Uni.createFrom().nullItem();
        }
        if (secret == null || !secret.startsWith(TokenService.PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new ApiTokenRequest(secret));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (isConsole(context)) {
            return Uni.createFrom().item(new ChallengeData(303, "Location", SIGN_IN));
        }
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", SCHEME));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiTokenRequest.class, ConsoleSessionRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME));
    }

    /** Before an identity provider's bearer mechanism: our tokens are never sent to it to be introspected. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }

    private static boolean isConsole(RoutingContext context) {
        return isConsole(context.normalizedPath());
    }

    /** Whether the path is one of the console's. */
    public static boolean isConsole(String path) {
        return path != null && (path.equals(CONSOLE) || path.startsWith(CONSOLE + "/"));
    }

    private static String bearer(RoutingContext context) {
        String header = context.request().getHeader("Authorization");
        if (header == null || header.length() <= SCHEME.length() + 1
                || !header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            return null;
        }
        return header.substring(SCHEME.length() + 1).strip();
    }

    /**
     * A console session's cookie secret, to be checked; for a request that changes something, the CSRF value it
     * sent ({@code csrfSent}, else empty).
     */
    public record ConsoleSessionRequest(String secret, Optional<String> csrfSent)
            implements AuthenticationRequest {

        @Override
        public <T> T getAttribute(String name) {
            return null;
        }

        @Override
        public void setAttribute(String name, Object value) {
            // nothing to keep
        }

        @Override
        public Map<String, Object> getAttributes() {
            return Map.of();
        }
    }

    /** An API token's secret, to be checked. */
    public static final class ApiTokenRequest extends BaseAuthenticationRequest {
        private final String secret;

        ApiTokenRequest(String secret) {
            this.secret = secret;
        }

        String secret() {
            return secret;
        }
    }

    /**
     * Checks a secret against the stored tokens: from memory when it was checked moments ago, else in the database.
     * Each check is timed ({@code gateway.token.check}, by source), so the benchmark can say what it costs.
     */
    @ApplicationScoped
    public static class ApiTokenIdentityProvider implements IdentityProvider<ApiTokenRequest> {

        private final TokenService tokens;
        private final Timer fromMemory;
        private final Timer fromDatabase;

        public ApiTokenIdentityProvider(TokenService tokens, MeterRegistry meters) {
            this.tokens = tokens;
            this.fromMemory = meters.timer("gateway.token.check", "source", "memory");
            this.fromDatabase = meters.timer("gateway.token.check", "source", "database");
        }

        @Override
        public Class<ApiTokenRequest> getRequestType() {
            return ApiTokenRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(ApiTokenRequest request, AuthenticationRequestContext context) {
            long start = System.nanoTime();
            Optional<SecurityIdentity> known = tokens.remembered(request.secret()).map(this::identity);
            if (known.isPresent()) {
                fromMemory.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return Uni.createFrom().item(known.get());
            }
            return context.runBlocking(() -> fromDatabase.record(() -> tokens.holderOf(request.secret())
                    .map(this::identity)
                    .orElseThrow(() -> new AuthenticationFailedException("unknown, expired or revoked token"))));
        }

        private SecurityIdentity identity(TokenService.Holder holder) {
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("token:" + holder.tokenId()))
                    .addRoles(holder.role().granted())
                    .addAttribute(Caller.PROJECTS, holder.projects())
                    .addAttribute(Caller.ACTOR_NAME, holder.name())
                    .build();
        }
    }

    /**
     * Checks a console session: it must be open (and its API token, if it has one, valid); a request that changes
     * something must carry the session's CSRF value. The identity is whom the session stands for (a token's holder,
     * or a user the identity provider signed in), with the CSRF value as the attribute {@link #CSRF}.
     */
    @ApplicationScoped
    public static class ConsoleSessionIdentityProvider implements IdentityProvider<ConsoleSessionRequest> {

        private final ConsoleSessions sessions;

        public ConsoleSessionIdentityProvider(ConsoleSessions sessions) {
            this.sessions = sessions;
        }

        @Override
        public Class<ConsoleSessionRequest> getRequestType() {
            return ConsoleSessionRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(ConsoleSessionRequest request, AuthenticationRequestContext context) {
            return context.runBlocking(() -> {
                ConsoleSessions.Session session = sessions.find(request.secret()).orElseThrow(
                        () -> new AuthenticationFailedException("no such console session, or it has ended"));
                if (request.csrfSent().isPresent() && !ConsoleSessions.csrfMatches(session, request.csrfSent().get())) {
                    throw new AuthenticationFailedException("a console request that changes something came without "
                            + "the session's CSRF value");
                }
                return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(session.principal()))
                        .addRoles(session.role().granted()).addAttribute(Caller.PROJECTS, session.projects())
                        .addAttribute(Caller.ACTOR_NAME, session.actor()).addAttribute(CSRF, session.csrf()).build();
            });
        }
    }
}
