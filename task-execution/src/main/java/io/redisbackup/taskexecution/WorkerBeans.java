package io.redisbackup.taskexecution;

import java.time.Clock;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.agroal.api.AgroalDataSource;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.instanceclient.InstanceNetworks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * What every worker needs and no worker makes differently: the secret key, leases, the clock, the networks
 * instances may be on (the gateway's setting of the same name). The backup store
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

    /**
     * {@code redis-backup.instance-networks} (the gateway's setting too): CIDR blocks; every address unless set. A
     * source or target, or a node its cluster names, elsewhere is refused before anything is sent to it.
     */
    @Produces
    @ApplicationScoped
    InstanceNetworks instanceNetworks(@ConfigProperty(name = "redis-backup.instance-networks",
            defaultValue = "0.0.0.0/0,::/0") List<String> networks) {
        return InstanceNetworks.of(networks);
    }

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
