package io.redisbackup.backupstore;

import java.io.IOException;

import io.redisbackup.backupstore.sealed.SealedBackupStore;

import jakarta.inject.Singleton;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Produces;

/** The backup store the settings name, for every service that uses one (the gateway and the workers). */
@Dependent
public class BackupStoreProducer {

    @Produces
    @Singleton
    SealedBackupStore backupStore(BackupStoreConfig config) throws IOException {
        return BackupStores.open(config);
    }

    /** At start, the frame codec of the store's settings is warmed beside everything else. */
    void warmUp(@Observes Startup started, BackupStoreConfig config) {
        SealedBackupStore.warmUp(config.encryption().enabled(), BackupStores.zstdLevel(config), config.frameSize());
    }
}
