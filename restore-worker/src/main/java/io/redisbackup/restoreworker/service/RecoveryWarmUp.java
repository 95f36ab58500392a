package io.redisbackup.restoreworker.service;

import java.io.IOException;

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
 * scratch backup ({@link KeysPlanWarmUp}). A worker just started sent its first keys recoveries' reads through
 * signing and the JDK's HTTP client, and read and checked their keys, in the interpreter. Measured with s3proxy on
 * the same two cores: the reads' warm-up took the first 100-key recoveries from 100k keys from 446 to 361 ms
 * (bench results 20261201T1316Z without, 1333Z with).
 */
@ApplicationScoped
class RecoveryWarmUp {

    private static final Logger LOG = Logger.getLogger(RecoveryWarmUp.class);
    private static final int READS = 500;

    void warmUp(@Observes Startup started, SealedBackupStore store, KeysLoader loader, RestoreWorkerConfig config) {
        Thread.ofPlatform().daemon().name("recovery-warm-up").start(() -> {
            long start = System.nanoTime();
            try {
                int reads = store.warmUpReads(READS);
                if (reads > 0) {
                    LOG.infof("The reads of keys recoveries are warm: %d ranged reads in %d ms", reads,
                            (System.nanoTime() - start) / 1_000_000);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warnf("Warming the reads of keys recoveries failed (recoveries are not affected): %s", e);
            }
            start = System.nanoTime();
            try {
                int plans = config.warmUpPlans();
                if (plans > 0) {
                    long keys = KeysPlanWarmUp.run(store, loader, plans);
                    LOG.infof("The plans of keys recoveries are warm: %d plans (%d keys found) in %d ms", plans, keys,
                            (System.nanoTime() - start) / 1_000_000);
                }
            } catch (IOException | RecoveryFailure | RuntimeException e) {
                LOG.warnf("Warming the plans of keys recoveries failed (recoveries are not affected): %s", e);
            }
        });
    }
}
