package io.redisbackup.apigateway.service;

import io.quarkus.runtime.StartupEvent;
import io.redisbackup.apigateway.config.GatewayConfig;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * What the gateway puts right at start, before it answers: the first admin token ({@code REDIS_BACKUP_ADMIN_TOKEN},
 * see {@link TokenService#bootstrap}), and instance passwords sealed before seals were bound.
 */
@Singleton
public class StartupMigrations {

    void onStart(@Observes StartupEvent start, GatewayConfig config, TokenService tokens, InstanceService instances) {
        config.adminToken().filter(secret -> !secret.isBlank()).ifPresent(tokens::bootstrap);
        instances.sealUnboundPasswords();
    }
}
