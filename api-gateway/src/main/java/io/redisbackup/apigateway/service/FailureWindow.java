package io.redisbackup.apigateway.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failures per key (a caller and an instance, an address): after {@code max} within {@code window}, tries
 * are refused until the oldest one leaves the window. Kept in this gateway's memory (several gateways each count
 * their own); keys whose failures have all left the window are forgotten, so memory stays bounded by the recent
 * failures.
 */
public class FailureWindow {

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final int max;
    private final Duration window;
    private final Clock clock;

    public FailureWindow(int max, Duration window, Clock clock) {
        this.max = max;
        this.window = window;
        this.clock = clock;
    }

    /** How long until a try is allowed again; empty when it is allowed now. */
    public Optional<Duration> blockedFor(String key) {
        Deque<Instant> recent = failures.get(key);
        if (recent == null) {
            return Optional.empty();
        }
        synchronized (recent) {
            forgetOld(recent);
            if (recent.size() < max) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(clock.instant(), recent.peekFirst().plus(window)));
        }
    }

    public void failed(String key) {
        if (failures.size() > 10_000) {
            failures.values().removeIf(recent -> {
                synchronized (recent) {
                    forgetOld(recent);
                    return recent.isEmpty();
                }
            });
        }
        Deque<Instant> recent = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (recent) {
            forgetOld(recent);
            recent.addLast(clock.instant());
        }
    }

    public void succeeded(String key) {
        failures.remove(key);
    }

    private void forgetOld(Deque<Instant> recent) {
        Instant oldestCounted = clock.instant().minus(window);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(oldestCounted)) {
            recent.removeFirst();
        }
    }
}
