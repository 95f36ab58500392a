package io.redisbackup.taskexecution;

import java.io.IOException;
import java.time.Clock;

import io.agroal.api.AgroalDataSource;
import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.BackupStoreConfig;
import io.redisbackup.backupstore.BackupStores;
import io.redisbackup.contracts.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** What every worker needs and no worker makes differently: the secret key, the backup store, leases, the clock. */
public class WorkerBeans {

    @Produces
    @ApplicationScoped
    SecretCipher secretCipher(TaskExecutionConfig config) {
        return new SecretCipher(config.secretKey());
    }

    @Produces
    @ApplicationScoped
    BackupStore backupStore(BackupStoreConfig config) throws IOException {
        return BackupStores.open(config);
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
