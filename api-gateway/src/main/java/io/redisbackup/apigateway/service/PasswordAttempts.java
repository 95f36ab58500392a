package io.redisbackup.apigateway.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.redisbackup.apigateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts wrong recovery passwords per instance: after {@code max} within {@code window}, tries are refused until
 * the oldest one leaves the window. Kept in this gateway's memory (several gateways each count their own).
 */
@ApplicationScoped
public class PasswordAttempts {

    private final Map<UUID, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final int max;
    private final Duration window;
    private final Clock clock;

    public PasswordAttempts(GatewayConfig config, Clock clock) {
        this.max = config.passwordAttempts().max();
        this.window = config.passwordAttempts().window();
        this.clock = clock;
    }

    /** How long until a try is allowed again; empty when it is allowed now. */
    public Optional<Duration> blockedFor(UUID instanceId) {
        Deque<Instant> recent = recent(instanceId);
        synchronized (recent) {
            if (recent.size() < max) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(clock.instant(), recent.peekFirst().plus(window)));
        }
    }

    public void failed(UUID instanceId) {
        Deque<Instant> recent = recent(instanceId);
        synchronized (recent) {
            recent.addLast(clock.instant());
        }
    }

    public void succeeded(UUID instanceId) {
        failures.remove(instanceId);
    }

    private Deque<Instant> recent(UUID instanceId) {
        Deque<Instant> recent = failures.computeIfAbsent(instanceId, id -> new ArrayDeque<>());
        synchronized (recent) {
            Instant oldestCounted = clock.instant().minus(window);
            while (!recent.isEmpty() && !recent.peekFirst().isAfter(oldestCounted)) {
                recent.removeFirst();
            }
        }
        return recent;
    }
}
