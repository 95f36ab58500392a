package io.redisbackup.restoreworker.config;

import java.time.Clock;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.restoreworker.recovery.BackupDrill;
import io.redisbackup.restoreworker.recovery.BackupVerifier;
import io.redisbackup.restoreworker.recovery.InstanceLoader;
import io.redisbackup.restoreworker.recovery.KeysLoader;
import io.redisbackup.taskexecution.TransferGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The worker's collaborators that are not beans of their own. */
public class RestoreWorkerBeans {

    @Produces
    @ApplicationScoped
    BackupVerifier backupVerifier(BackupStore store) {
        return new BackupVerifier(store);
    }

    @Produces
    @ApplicationScoped
    InstanceLoader instanceLoader(Clock clock, RestoreWorkerConfig config) {
        return new InstanceLoader(clock, new TransferGuard.Limits(config.loadDeadlineBase(), config.loadMinRate(),
                config.loadSlowFor()));
    }

    @Produces
    @ApplicationScoped
    KeysLoader keysLoader(Clock clock) {
        return new KeysLoader(clock);
    }

    @Produces
    @ApplicationScoped
    BackupDrill backupDrill(BackupStore store, RestoreWorkerConfig config, Clock clock) {
        return new BackupDrill(store, config.drill(), clock);
    }
}
