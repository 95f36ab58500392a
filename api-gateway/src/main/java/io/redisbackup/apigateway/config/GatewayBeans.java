package io.redisbackup.apigateway.config;

import java.io.IOException;
import java.time.Clock;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.BackupStoreConfig;
import io.redisbackup.backupstore.BackupStores;
import io.redisbackup.contracts.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The gateway's collaborators that are not beans of their own. */
public class GatewayBeans {

    @Produces
    @ApplicationScoped
    SecretCipher secretCipher(GatewayConfig config) {
        return new SecretCipher(config.secretKey());
    }

    @Produces
    @ApplicationScoped
    BackupStore backupStore(BackupStoreConfig config) throws IOException {
        return BackupStores.open(config);
    }

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
