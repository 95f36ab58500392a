package io.redisbackup.scheduler;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.quarkus.test.Mock;
import jakarta.inject.Singleton;

/** The scheduler's clock in tests: set to any moment, so that days and hours pass without waiting for them. */
@Mock
@Singleton
public class TestClock extends Clock {

    private volatile Instant now = Instant.parse("2026-11-24T00:00:00Z");

    public void set(Instant moment) {
        now = moment;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
