package io.redisbackup.apigateway.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.redisbackup.apigateway.config.GatewayConfig;
import io.redisbackup.apigateway.service.FailureWindow;
import jakarta.enterprise.context.ApplicationScoped;

/** The failed authentications of each address, held against it for {@code gateway.unauthorized.window}. */
@ApplicationScoped
public class FailedAuthentications {

    private final FailureWindow failures;

    public FailedAuthentications(GatewayConfig config, Clock clock) {
        this.failures = new FailureWindow(config.unauthorized().max(), config.unauthorized().window(), clock);
    }

    /** How long the address must wait; empty when it may ask now. */
    public Optional<Duration> blockedFor(String address) {
        return failures.blockedFor(address);
    }

    public void failed(String address) {
        failures.failed(address);
    }
}
