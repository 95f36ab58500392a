package io.redisbackup.scheduler.config;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The scheduler's collaborators that are not beans of their own. */
public class SchedulerBeans {

    /** The scheduler's clock: tests replace it to move through days and hours without waiting for them. */
    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
