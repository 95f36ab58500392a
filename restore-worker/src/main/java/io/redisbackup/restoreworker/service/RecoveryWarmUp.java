package io.redisbackup.restoreworker.service;

import java.io.IOException;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.sealed.SealedBackupStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;

/**
 * At start, on a thread of its own, a few hundred ranged reads where the backups are in object storage
 * ({@link SealedBackupStore#warmUpReads}): a worker just started sent its first keys recoveries' reads through
 * signing and the JDK's HTTP client in the interpreter. Measured with s3proxy on the same two cores (bench results
 * 20261201T1316Z without, 1333Z with): the first 100-key recoveries 446 -> 361 ms from 100k keys and 186 -> 154 ms
 * from 1M, 1,000 keys 1,715 -> 1,259 ms; 10 s of a background thread while the services start.
 */
@ApplicationScoped
class RecoveryReadsWarmUp {

    private static final Logger LOG = Logger.getLogger(RecoveryReadsWarmUp.class);
    private static final int READS = 500;

    void warmUp(@Observes Startup started, SealedBackupStore store) {
        Thread.ofPlatform().daemon().name("recovery-reads-warm-up").start(() -> {
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
        });
    }
}
