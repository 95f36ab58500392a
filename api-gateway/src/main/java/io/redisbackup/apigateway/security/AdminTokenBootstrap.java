package io.redisbackup.apigateway.security;

import io.quarkus.runtime.StartupEvent;
import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.apigateway.service.TokenService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** At start, makes the admin token of {@code REDIS_BACKUP_ADMIN_TOKEN} (see {@link TokenService#bootstrap}). */
@Singleton
public class AdminTokenBootstrap {

    void onStart(@Observes StartupEvent start, GatewayConfig config, TokenService tokens) {
        config.adminToken().filter(secret -> !secret.isBlank()).ifPresent(tokens::bootstrap);
    }
}
