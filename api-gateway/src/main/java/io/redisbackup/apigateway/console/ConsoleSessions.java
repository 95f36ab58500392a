package io.redisbackup.apigateway.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.redisbackup.apigateway.ApiToken;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.TokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * The console's sign-in sessions. Signing in with a valid API token, or through the identity provider, opens one: a
 * random secret for an HttpOnly, SameSite=Strict cookie (only its SHA-256 is stored) and a random CSRF value the
 * console's pages send back in a header with every request that changes something. A token's session acts as its
 * token, and ends when the token is revoked or expires; an identity provider user's acts with the role and
 * projects its token named, and ends when that token would have; any ends when its holder signs out, or after
 * {@link #LASTS}.
 */
@ApplicationScoped
public class ConsoleSessions {

    /** The cookie that carries the session's secret, sent by the browser to {@code /console} only. */
    public static final String COOKIE = "rbk_console";
    /** The header with the session's CSRF value, on every console request that changes something. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    static final Duration LASTS = Duration.ofHours(8);
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** A session just opened: the cookie's secret and the CSRF value. */
    public record Opened(String secret, String csrf) {
    }

    /** Whom a session's secret stands for: an API token's holder, or a user the identity provider signed in. */
    public record Session(String principal, String actor, Role role, Set<String> projects, String csrf) {
    }

    private final TokenService tokens;
    private final EntityManager db;
    private final Clock clock;

    public ConsoleSessions(TokenService tokens, EntityManager db, Clock clock) {
        this.tokens = tokens;
        this.db = db;
        this.clock = clock;
    }

    /** Opens a session for the holder of a valid API token; empty for any other secret. Blocking. */
    public Optional<Opened> open(String apiToken) {
        Optional<TokenService.Holder> holder = tokens.holderOf(apiToken == null ? null : apiToken.strip());
        if (holder.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store(holder.get().tokenId(), null, null, null, null, clock.instant().plus(LASTS)));
    }

    /**
     * Opens a session for a user the identity provider has just signed in: its principal, role and projects as its
     * token named them, until {@code until} (the token's end) but at most {@link #LASTS}. Blocking.
     */
    public Opened openFor(String principal, String actor, Role role, Set<String> projects, Instant until) {
        Instant latest = clock.instant().plus(LASTS);
        return store(null, principal, actor, role, projects, until.isBefore(latest) ? until : latest);
    }

    private Opened store(UUID tokenId, String principal, String actor, Role role, Set<String> projects,
            Instant expires) {
        Opened opened = new Opened(TokenService.randomSecret(), TokenService.randomSecret());
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            db.createNativeQuery("delete from {h-schema}console_session where expires_at < ?1")
                    .setParameter(1, now).executeUpdate();
            db.createNativeQuery("insert into {h-schema}console_session (secret_hash, token_id, csrf, created_at, "
                    + "expires_at, principal, role, projects, actor) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                    .setParameter(1, TokenService.hash(opened.secret())).setParameter(2, tokenId)
                    .setParameter(3, opened.csrf()).setParameter(4, now).setParameter(5, expires)
                    .setParameter(6, principal).setParameter(7, role == null ? null : role.name())
                    .setParameter(8, projects == null ? null : String.join(",", projects))
                    .setParameter(9, actor).executeUpdate();
        });
        return opened;
    }

    /** The session this cookie secret opens, while it and its token are valid. Blocking. */
    public Optional<Session> find(String secret) {
        if (secret == null || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = db.createNativeQuery("select token_id, csrf, principal, role, projects, actor "
                    + "from {h-schema}console_session where secret_hash = ?1 and expires_at > ?2")
                    .setParameter(1, TokenService.hash(secret)).setParameter(2, now).getResultList();
            if (rows.isEmpty()) {
                return Optional.<Session>empty();
            }
            Object[] row = rows.get(0);
            String csrf = (String) row[1];
            if (row[0] == null) { // the identity provider's user: as its token named it when it signed in
                return Optional.of(new Session((String) row[2], (String) row[5], Role.valueOf((String) row[3]),
                        Set.of(((String) row[4]).split(",")), csrf));
            }
            ApiToken token = ApiToken.findById((UUID) row[0]);
            if (token == null || !token.validAt(now)) {
                return Optional.<Session>empty();
            }
            TokenService.Holder holder = TokenService.holder(token);
            return Optional.of(new Session("token:" + holder.tokenId(), holder.name(), holder.role(),
                    holder.projects(), csrf));
        });
    }

    /** Ends the session of this cookie secret, if any. Blocking. */
    public void close(String secret) {
        if (secret != null && SECRET.matcher(secret).matches()) {
            QuarkusTransaction.requiringNew().run(() -> db.createNativeQuery(
                    "delete from {h-schema}console_session where secret_hash = ?1")
                    .setParameter(1, TokenService.hash(secret)).executeUpdate());
        }
    }

    /** Whether the value a request sent is the session's CSRF value, compared in constant time. */
    public static boolean csrfMatches(Session session, String sent) {
        return sent != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.US_ASCII),
                sent.getBytes(StandardCharsets.US_ASCII));
    }
}
