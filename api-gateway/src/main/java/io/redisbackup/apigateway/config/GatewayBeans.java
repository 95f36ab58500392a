package io.redisbackup.apigateway.config;

import java.time.Clock;

import io.redisbackup.contracts.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The gateway's collaborators that are not beans of their own. */
public class GatewayBeans {

    @Produces
    @ApplicationScoped
    SecretCipher secretCipher(GatewayConfig config) {
        return new SecretCipher(config.secretKey());
    }

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
