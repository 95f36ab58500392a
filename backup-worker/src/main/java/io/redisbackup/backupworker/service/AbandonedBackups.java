package io.redisbackup.backupworker.service;

import java.io.IOException;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.BackupStoreConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Removes what workers that died left in the store (a backup's staged folder or unfinished multipart upload, a
 * restore worker's warm-up object) once nothing has been written to it for {@code backup-store.abandoned-after}: a
 * backup still being written, however long it takes, is written to more often than that. A worker that is only slow
 * is stopped by its deadline long before.
 */
@ApplicationScoped
public class AbandonedBackups {

    private static final Logger LOG = Logger.getLogger(AbandonedBackups.class);

    private final BackupStore store;
    private final BackupStoreConfig config;

    public AbandonedBackups(BackupStore store, BackupStoreConfig config) {
        this.store = store;
        this.config = config;
    }

    @Scheduled(every = "${backup-worker.abandoned-sweep-interval:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        try {
            int removed = store.removeAbandoned(config.abandonedAfter());
            if (removed > 0) {
                LOG.infof("Removed %d things workers that stopped left in the store", removed);
            }
        } catch (IOException e) {
            LOG.warnf("Could not look for what stopped workers left in the store: %s", e.getMessage());
        }
    }
}
