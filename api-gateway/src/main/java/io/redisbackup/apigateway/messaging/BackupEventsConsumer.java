package io.redisbackup.apigateway.messaging;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.MessageCodec;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/** Keeps the backup catalogue in step with the backup worker; unreadable messages go to the dead-letter topic. */
@ApplicationScoped
public class BackupEventsConsumer {

    private final BackupService backups;

    public BackupEventsConsumer(BackupService backups) {
        this.backups = backups;
    }

    @Incoming("backup-events")
    @Blocking
    public void consume(String payload) {
        backups.apply(MessageCodec.fromJson(payload, BackupEvent.class));
    }
}
