package io.redisbackup.taskexecution;

import java.time.Clock;

import io.agroal.api.AgroalDataSource;
import io.redisbackup.contracts.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * What every worker needs and no worker makes differently: the secret key, leases, the clock. The backup store
 * comes from backup-store's {@code BackupStoreProducer}, for the gateway too.
 */
public class WorkerBeans {

    @Produces
    @ApplicationScoped
    SecretCipher secretCipher(TaskExecutionConfig config) {
        return new SecretCipher(config.secretKey());
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
