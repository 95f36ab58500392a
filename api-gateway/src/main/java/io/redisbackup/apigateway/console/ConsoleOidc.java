package io.redisbackup.apigateway.console;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.OidcCallers;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.TokenService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * Signing in to the console through the identity provider the API already trusts ({@code quarkus.oidc.*}): the
 * authorization code flow with PKCE for the client {@code gateway.oidc.console-client-id}. The access token it
 * brings back is checked as the API checks any bearer token (the same tenant: signature, issuer, audience, expiry)
 * and read by the same rules ({@link OidcCallers}: role and projects from their claims); the console's own session
 * then stands for that user until the token would have ended.
 */
@ApplicationScoped
public class ConsoleOidc {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Where a sign-in goes, and what its callback must find again (kept in a cookie meanwhile). */
    public record Start(URI redirect, String state, String verifier) {
    }

    /** The user the identity provider signed in. */
    public record SignedIn(String principal, String actor, Role role, Set<String> projects, Instant until) {
    }

    /** A sign-in that did not end with a user the console may show anything to; the message says why. */
    public static final class SignInFailed extends Exception {
        SignInFailed(String message) {
            super(message);
        }
    }

    private record Endpoints(URI authorization, URI token) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final boolean tenantEnabled;
    private final Optional<String> server;
    private final GatewayConfig.Oidc settings;
    private final Instance<TenantIdentityProvider> tokens;
    private final OidcCallers callers;
    private final Clock clock;
    private volatile Endpoints endpoints;

    public ConsoleOidc(@ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true") boolean tenantEnabled,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> server, GatewayConfig config,
            Instance<TenantIdentityProvider> tokens, OidcCallers callers, Clock clock) {
        this.tenantEnabled = tenantEnabled;
        this.server = server;
        this.settings = config.oidc();
        this.tokens = tokens;
        this.callers = callers;
        this.clock = clock;
    }

    /** Whether the console offers signing in through the identity provider. */
    public boolean enabled() {
        return tenantEnabled && server.isPresent() && settings.consoleClientId().isPresent();
    }

    /** The provider's sign-in page to send the browser to, with a new state and PKCE verifier. Blocking. */
    public Start start(URI callback) throws SignInFailed {
        String state = TokenService.randomSecret();
        String verifier = TokenService.randomSecret();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", settings.consoleClientId().orElseThrow());
        query.put("redirect_uri", callback.toString());
        query.put("scope", "openid");
        query.put("state", state);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        return new Start(URI.create(endpoints().authorization() + "?" + form(query)), state, verifier);
    }

    /** Trades the code the provider sent back for an access token, and checks and reads it. Blocking. */
    public SignedIn finish(String code, String verifier, URI callback) throws SignInFailed {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code);
        fields.put("redirect_uri", callback.toString());
        fields.put("client_id", settings.consoleClientId().orElseThrow());
        fields.put("code_verifier", verifier);
        settings.consoleClientSecret().ifPresent(secret -> fields.put("client_secret", secret));
        JsonObject answer = call(HttpRequest.newBuilder(endpoints().token()).timeout(WAIT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), "exchange the sign-in's code");
        String accessToken = answer.getString("access_token");
        if (accessToken == null) {
            throw new SignInFailed("The identity provider sent no access token.");
        }
        SecurityIdentity identity;
        try {
            identity = tokens.get().authenticate(new AccessTokenCredential(accessToken))
                    .chain(checked -> callers.augment(checked, INLINE)).await().atMost(WAIT);
        } catch (RuntimeException e) {
            throw new SignInFailed("The identity provider's token was refused: " + e.getMessage());
        }
        Role role = identity.hasRole(Role.ADMIN_NAME) ? Role.ADMIN : identity.hasRole(Role.OPERATOR_NAME)
                ? Role.OPERATOR : identity.hasRole(Role.VIEWER_NAME) ? Role.VIEWER : null;
        if (role == null) {
            throw new SignInFailed("Your account has no role here (viewer, operator or admin): ask an admin.");
        }
        Set<String> projects = identity.getAttribute(Caller.PROJECTS);
        long lifetime = answer.getLong("expires_in", 300L);
        return new SignedIn(identity.getPrincipal().getName(), identity.getAttribute(Caller.ACTOR_NAME), role,
                projects == null ? Set.of() : projects, clock.instant().plusSeconds(lifetime));
    }

    private Endpoints endpoints() throws SignInFailed {
        Endpoints known = endpoints;
        if (known == null) {
            String base = server.orElseThrow().replaceAll("/+$", "");
            JsonObject discovery = call(HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
                    .timeout(WAIT).build(), "read its configuration");
            String authorization = discovery.getString("authorization_endpoint");
            String token = discovery.getString("token_endpoint");
            if (authorization == null || token == null) {
                throw new SignInFailed("The identity provider's configuration names no authorization or token "
                        + "endpoint.");
            }
            known = new Endpoints(URI.create(authorization), URI.create(token));
            endpoints = known;
        }
        return known;
    }

    private JsonObject call(HttpRequest request, String what) throws SignInFailed {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new SignInFailed("The identity provider did not " + what + " (HTTP " + response.statusCode()
                        + ").");
            }
            return new JsonObject(response.body());
        } catch (IOException | DecodeException e) {
            throw new SignInFailed("Could not " + what + " at the identity provider: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignInFailed("Interrupted while asking the identity provider.");
        }
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** Runs the augmentor's blocking work where the caller already is (a worker thread). */
    private static final AuthenticationRequestContext INLINE = new AuthenticationRequestContext() {
        @Override
        public Uni<SecurityIdentity> runBlocking(Supplier<SecurityIdentity> function) {
            return Uni.createFrom().item(function);
        }
    };
}
