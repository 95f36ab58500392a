package io.redisbackup.apigateway.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Size;

/** The gateway's own settings, under {@code gateway.}. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Base64 of the 32-byte key that seals instance passwords; the workers hold the same key. */
    String secretKey();

    /** The networks (CIDR blocks) instances may be registered on; a host elsewhere is refused unvisited. */
    @WithDefault("0.0.0.0/0,::/0")
    java.util.List<String> instanceNetworks();

    /** How long registering an instance waits for it to answer. */
    @WithDefault("5s")
    Duration instanceCheckTimeout();

    /** The backup policy a new instance gets: every day, in this period and time zone, kept this long. */
    DefaultPolicy defaultPolicy();

    /** How often expired backups are looked for. */
    @WithDefault("1m")
    Duration retentionInterval();

    /**
     * The most keys one KEYS recovery may rewrite when patterns select them: a recovery over it is refused with the
     * count (its dry run shows the count first).
     */
    @WithDefault("100000")
    @jakarta.validation.constraints.Min(1)
    int recoveryMaxKeys();

    /** How many wrong recovery passwords a caller may give for an instance in a window before it gets 429. */
    PasswordAttempts passwordAttempts();

    /**
     * An admin token for every project, made at start unless a token with this secret exists (a revoked one
     * stays revoked): how a fresh platform gets its first token ({@code REDIS_BACKUP_ADMIN_TOKEN}).
     */
    Optional<String> adminToken();

    /** The credential the task center asks of its callers ({@code REDIS_BACKUP_SERVICE_TOKEN}). */
    @Size(min = 32)
    String taskCenterToken();

    Tokens tokens();

    /** Where an identity provider's JWTs carry the caller's role and projects. */
    Oidc oidc();

    interface Oidc {
        /**
         * The identity provider's client the console signs users in with (authorization code and PKCE); the console
         * offers it when this is set and an identity provider is configured ({@code quarkus.oidc.*}).
         */
        Optional<String> consoleClientId();

        /** That client's secret, for a confidential client; none for a public one. */
        Optional<String> consoleClientSecret();

        /** The claim with the role (viewer, operator, admin; the strongest counts), a path such as realm_access/roles. */
        @WithDefault("realm_access/roles")
        String rolesClaim();

        /** The claim with the project names, {@code *} for all of them; a path such as projects or groups. */
        @WithDefault("projects")
        String projectsClaim();
    }

    /** Failed authentications an address may make in a window before its requests get 429 for a while. */
    Unauthorized unauthorized();

    interface Tokens {
        /** How long a checked token is trusted without asking the database: a revocation takes at most this long. */
        @WithDefault("500ms")
        Duration cacheFor();
    }

    interface Unauthorized {
        @WithDefault("30")
        int max();

        @WithDefault("1m")
        Duration window();
    }

    interface PasswordAttempts {
        @WithDefault("5")
        int max();

        @WithDefault("15m")
        Duration window();
    }

    interface DefaultPolicy {
        /** Whether a new instance is backed up automatically until its owner says otherwise. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("02:00-03:00")
        String timePeriod();

        @WithDefault("UTC")
        String timezone();

        @WithDefault("7")
        int retentionDays();
    }
}
