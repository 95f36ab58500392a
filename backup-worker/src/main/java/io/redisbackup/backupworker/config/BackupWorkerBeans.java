package io.redisbackup.backupworker.config;

import java.io.IOException;
import java.time.Clock;

import io.agroal.api.AgroalDataSource;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.LocalDirectoryBackupStore;
import io.redisbackup.backupworker.snapshot.SnapshotTaker;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.instancelease.InstanceLeases;
import io.redisbackup.taskexecution.TransferGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The worker's collaborators that are not beans of their own. */
public class BackupWorkerBeans {

    @Produces
    @ApplicationScoped
    SecretCipher secretCipher(BackupWorkerConfig config) {
        return new SecretCipher(config.secretKey());
    }

    @Produces
    @ApplicationScoped
    BackupStore backupStore(BackupWorkerConfig config) throws IOException {
        return new LocalDirectoryBackupStore(config.backupDirectory());
    }

    @Produces
    @ApplicationScoped
    SnapshotTaker snapshotTaker(BackupWorkerConfig config) {
        return new SnapshotTaker(config.snapshotTimeout(), new TransferGuard.Limits(config.snapshotDeadlineBase(),
                config.snapshotMinRate(), config.snapshotSlowFor()));
    }

    @Produces
    @ApplicationScoped
    InstanceLeases instanceLeases(AgroalDataSource dataSource) {
        return new InstanceLeases(dataSource);
    }

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
