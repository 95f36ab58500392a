package io.redisbackup.apigateway.service;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.redisbackup.apigateway.ApiToken;
import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.backupstore.Sha256;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * API tokens: issuing one (its secret shown once), listing, revoking, and telling who holds a secret. A secret is
 * {@value #PREFIX} and 256 random bits in base64url, so secret scanners can recognise a leaked one; only its SHA-256
 * is stored. What a secret resolves to is remembered for {@code gateway.tokens.cache-for} at most, so a revocation
 * holds on every gateway within that time. An admin manages the tokens within its projects only: it cannot make a
 * token for a project it does not see (nor one for every project unless it sees every project), and it does not
 * see or revoke tokens that reach further than it does.
 */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class);
    public static final String PREFIX = "rbk_";
    /** {@value #PREFIX}, then 32 bytes in unpadded base64url. */
    private static final Pattern SECRET = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
    private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    private static final int MAX_REMEMBERED = 10_000;

    /** Who holds a valid token. */
    public record Holder(UUID tokenId, String name, Role role, Set<String> projects) {
    }

    /** A token just made, with the secret that is never shown again. */
    public record Issued(ApiToken token, String secret) {
    }

    private record Remembered(Holder holder, Instant until) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final Duration cacheFor;
    private final Caller caller;
    private final Clock clock;

    public TokenService(GatewayConfig config, Caller caller, Clock clock) {
        this.cacheFor = config.tokens().cacheFor();
        this.caller = caller;
        this.clock = clock;
    }

    @Transactional
    public Issued issue(String name, Role role, List<String> projects, Instant expiresAt) {
        projects.forEach(caller::mayUse);
        String secret = PREFIX + randomSecret();
        ApiToken token = store(name, role, projects, expiresAt, secret);
        LOG.infof("API token %s (%s, %s, projects %s) issued", token.id, token.name, role.apiName(), token.projects);
        return new Issued(token, secret);
    }

    /** The tokens within the caller's projects. */
    public List<ApiToken> all() {
        return ApiToken.<ApiToken>listAll(Sort.ascending("createdAt").and("id")).stream().filter(this::visible).toList();
    }

    /** Revokes the token; its holder is refused by every gateway once what they remember of it has expired. */
    @Transactional
    public ApiToken revoke(UUID id) {
        ApiToken token = ApiToken.findById(id);
        if (token == null || !visible(token)) {
            throw ApiProblem.notFound("token", id);
        }
        if (token.revokedAt == null) {
            token.revokedAt = clock.instant();
            LOG.infof("API token %s (%s) revoked", token.id, token.name);
        }
        remembered.clear();
        return token;
    }

    /** The holder of a valid token with this secret; empty for anything else. Blocking: it may ask the database. */
    public Optional<Holder> holderOf(String secret) {
        Optional<Holder> known = remembered(secret);
        if (known.isPresent() || secret == null || !SECRET.matcher(secret).matches()) {
            return known;
        }
        Instant now = clock.instant();
        String hash = hash(secret);
        Optional<Holder> holder = QuarkusTransaction.requiringNew().call(() -> lookUp(hash, now));
        if (holder.isPresent()) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(hash, new Remembered(holder.get(), now.plus(cacheFor)));
        } else {
            remembered.remove(hash);
        }
        return holder;
    }

    /** Whether this secret, already checked, may be taken from memory without a database round trip. */
    public Optional<Holder> remembered(String secret) {
        if (secret == null || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        Remembered known = remembered.get(hash(secret));
        return known != null && known.until().isAfter(clock.instant()) ? Optional.of(known.holder()) : Optional.empty();
    }

    /**
     * Makes {@code secret} an admin token for every project, unless a token with that secret exists already (even a
     * revoked one: a revocation stays). How a fresh platform gets its first token ({@code REDIS_BACKUP_ADMIN_TOKEN});
     * several gateways starting at once make it once.
     */
    @Transactional
    public void bootstrap(String secret) {
        if (!SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("The admin token must be " + PREFIX
                    + " followed by 43 base64url characters (32 random bytes), e.g. from ./stack up");
        }
        UUID id = UUID.randomUUID();
        int made = ApiToken.getEntityManager().createNativeQuery("insert into {h-schema}api_token (id, name, role, "
                + "projects, secret_hash, created_at) values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (secret_hash) do nothing")
                .setParameter(1, id).setParameter(2, "admin (REDIS_BACKUP_ADMIN_TOKEN)")
                .setParameter(3, Role.ADMIN.name()).setParameter(4, ProjectNames.ALL).setParameter(5, hash(secret))
                .setParameter(6, clock.instant()).executeUpdate();
        if (made == 1) {
            LOG.infof("API token %s made from REDIS_BACKUP_ADMIN_TOKEN: admin of every project", id);
        }
    }

    private boolean visible(ApiToken token) {
        return caller.seesEveryProject() || token.projectList().stream().allMatch(caller::sees);
    }

    private Optional<Holder> lookUp(String hash, Instant now) {
        ApiToken token = ApiToken.find("secretHash", hash).firstResult();
        if (token == null || !token.validAt(now)) {
            return Optional.empty();
        }
        if (token.lastUsedAt == null || token.lastUsedAt.isBefore(now.minus(LAST_USED_PRECISION))) {
            token.lastUsedAt = now;
        }
        return Optional.of(holder(token));
    }

    /** Who holds this token (whether it is valid is the caller's to check). */
    public static Holder holder(ApiToken token) {
        return new Holder(token.id, token.name, token.role, Set.copyOf(token.projectList()));
    }

    private ApiToken store(String name, Role role, List<String> projects, Instant expiresAt, String secret) {
        ApiToken token = new ApiToken();
        token.id = UUID.randomUUID();
        token.name = name;
        token.role = role;
        token.projects = String.join(",", new LinkedHashSet<>(projects));
        token.secretHash = hash(secret);
        token.createdAt = clock.instant();
        token.expiresAt = expiresAt;
        token.persist();
        return token;
    }

    /**
     * 256 random bits in unpadded base64url (43 characters): an API token's secret after its prefix, a console
     * session's secret and CSRF value, a sign-in's state and PKCE verifier.
     */
    public static String randomSecret() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** What is stored of a random secret (an API token's, a console session's): its SHA-256 in hex. */
    public static String hash(String secret) {
        var digest = Sha256.digest();
        digest.update(secret.getBytes(StandardCharsets.US_ASCII));
        return Sha256.hex(digest);
    }
}
