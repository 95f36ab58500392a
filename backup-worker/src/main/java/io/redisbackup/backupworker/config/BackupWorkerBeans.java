package io.redisbackup.backupworker.config;

import java.time.Clock;

import io.redisbackup.backupworker.snapshot.ClusterSnapshots;
import io.redisbackup.backupworker.snapshot.SnapshotTaker;
import io.redisbackup.instanceclient.InstanceNetworks;
import io.redisbackup.taskexecution.TransferGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The worker's collaborators that are not beans of their own. */
public class BackupWorkerBeans {

    @Produces
    @ApplicationScoped
    SnapshotTaker snapshotTaker(BackupWorkerConfig config, InstanceNetworks networks) {
        return new SnapshotTaker(config.snapshotTimeout(), new TransferGuard.Limits(config.snapshotDeadlineBase(),
                config.snapshotMinRate(), config.snapshotSlowFor()),
                new SnapshotTaker.SourceChecks(config.sourceForkReserve(), config.sourceTransferRate()), networks);
    }

    @Produces
    @ApplicationScoped
    ClusterSnapshots clusterSnapshots(SnapshotTaker taker, Clock clock) {
        return new ClusterSnapshots(taker, clock);
    }
}
