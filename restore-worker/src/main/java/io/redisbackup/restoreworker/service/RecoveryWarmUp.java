package io.redisbackup.restoreworker.service;

import java.io.IOException;
import java.util.Locale;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;
import io.redisbackup.restoreworker.recovery.KeysLoader;
import io.redisbackup.restoreworker.recovery.KeysPlanWarmUp;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;

/**
 * At start, on a thread of its own, what keys recoveries do before they write: a few hundred ranged reads where the
 * backups are in object storage ({@link SealedBackupStore#warmUpReads}), then plans of keys recoveries over a
 * scratch backup ({@link KeysPlanWarmUp}) in a local directory, then over one in the object store. A worker just
 * started sent its first keys recoveries' reads through signing and the JDK's HTTP client, and read and checked
 * their keys, in the interpreter. Measured with s3proxy on
 * the same two cores: the reads' warm-up took the first 100-key recoveries from 100k keys from 446 to 361 ms
 * (bench results 20261201T1316Z without, 1333Z with).
 */
@ApplicationScoped
class RecoveryWarmUp {

    private static final Logger LOG = Logger.getLogger(RecoveryWarmUp.class);
    private static final int READS = 500;

    void warmUp(@Observes Startup started, SealedBackupStore store, KeysLoader loader, RestoreWorkerConfig config) {
        Thread.ofPlatform().daemon().name("recovery-warm-up").start(() -> {
            step("The reads of keys recoveries", () -> {
                int reads = store.warmUpReads(READS);
                return reads == 0 ? null : reads + " ranged reads";
            });
            int plans = config.warmUpPlans();
            step("The plans of keys recoveries", () -> plans == 0 ? null
                    : plans + " plans (" + KeysPlanWarmUp.run(store, loader, plans) + " keys found)");
            int storePlans = config.warmUpStorePlans();
            step("The plans of keys recoveries from object storage", () -> storePlans == 0 || !store.remote() ? null
                    : storePlans + " plans (" + KeysPlanWarmUp.runInStore(store, loader, storePlans) + " keys found)");
        });
    }

    /** One part of the warm-up, logged with what it did (null: nothing to do here) and how long it took. */
    private static void step(String what, Step step) {
        long start = System.nanoTime();
        try {
            String done = step.run();
            if (done != null) {
                LOG.infof("%s are warm: %s in %d ms", what, done, (System.nanoTime() - start) / 1_000_000);
            }
        } catch (IOException | RecoveryFailure | RuntimeException e) {
            LOG.warnf("Warming %s failed (recoveries are not affected): %s", what.toLowerCase(Locale.ROOT), e);
        }
    }

    private interface Step {
        String run() throws IOException, RecoveryFailure;
    }
}
