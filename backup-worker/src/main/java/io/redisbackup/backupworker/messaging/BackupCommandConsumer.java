package io.redisbackup.backupworker.messaging;

import java.io.IOException;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.redisbackup.backupworker.service.BackupRunner;
import io.redisbackup.contracts.BackupWorkerCommand;
import io.redisbackup.contracts.DeleteBackupCommand;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TakeBackupCommand;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where backup commands come in. The offset is committed only after the method returns, that is after the
 * outcome is reported and recorded; a command that cannot be read goes to the dead-letter topic.
 */
@ApplicationScoped
public class BackupCommandConsumer {

    private final BackupRunner runner;

    public BackupCommandConsumer(BackupRunner runner) {
        this.runner = runner;
    }

    @Incoming("backup-commands")
    @Blocking(value = "backup-tasks", ordered = false) // several at once; one instance's tasks one at a time: its lease
    public void consume(String payload) throws IOException {
        BackupWorkerCommand command = MessageCodec.fromJson(payload, BackupWorkerCommand.class);
        switch (command) {
            case TakeBackupCommand take -> runner.take(take);
            case DeleteBackupCommand delete -> runner.delete(delete);
        }
    }
}
