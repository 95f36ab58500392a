package io.redisbackup.restoreworker.messaging;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RecoveryCommand;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.contracts.VerifyBackupCommand;
import io.redisbackup.restoreworker.service.BackupDrills;
import io.redisbackup.restoreworker.service.RecoveryRunner;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where recovery and restore drill commands come in. The offset is committed only after the outcome is reported and recorded; a
 * command that cannot be read goes to the dead-letter topic.
 */
@ApplicationScoped
public class RestoreCommandConsumer {

    private final RecoveryRunner runner;
    private final BackupDrills drills;

    public RestoreCommandConsumer(RecoveryRunner runner, BackupDrills drills) {
        this.runner = runner;
        this.drills = drills;
    }

    @Incoming("restore-commands")
    @Blocking(value = "restore-tasks", ordered = false) // several at once; one instance's tasks one at a time: its lease
    public void consume(String payload) {
        switch (MessageCodec.fromJson(payload, RestoreWorkerCommand.class)) {
            case RecoveryCommand recovery -> runner.recover(recovery);
            case VerifyBackupCommand drill -> drills.verify(drill);
        }
    }
}
