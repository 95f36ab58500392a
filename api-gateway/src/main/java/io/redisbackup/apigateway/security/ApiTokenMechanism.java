package io.redisbackup.apigateway.security;

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
import io.redisbackup.apigateway.service.TokenService;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads {@code Authorization: Bearer rbk_...} and makes its holder the caller: roles from the token's role (and
 * every weaker one), projects as the attribute {@link Caller#PROJECTS}. A bearer token without our prefix is left to
 * other mechanisms (an identity provider's JWTs); none at all leaves the request anonymous, which every API method
 * refuses with 401.
 */
@ApplicationScoped
public class ApiTokenMechanism implements HttpAuthenticationMechanism {

    private static final String SCHEME = "Bearer";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String secret = bearer(context);
        if (secret == null || !secret.startsWith(TokenService.PREFIX)) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new ApiTokenRequest(secret));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", SCHEME));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME));
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }

    private static String bearer(RoutingContext context) {
        String header = context.request().getHeader("Authorization");
        if (header == null || header.length() <= SCHEME.length() + 1
                || !header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            return null;
        }
        return header.substring(SCHEME.length() + 1).strip();
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
}
