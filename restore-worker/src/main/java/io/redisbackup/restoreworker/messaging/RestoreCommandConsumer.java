package io.redisbackup.restoreworker.messaging;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RestoreWorkerCommand;
import io.redisbackup.restoreworker.service.RecoveryRunner;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where recovery commands come in. The offset is committed only after the outcome is reported and recorded; a
 * command that cannot be read goes to the dead-letter topic.
 */
@ApplicationScoped
public class RestoreCommandConsumer {

    private final RecoveryRunner runner;

    public RestoreCommandConsumer(RecoveryRunner runner) {
        this.runner = runner;
    }

    @Incoming("restore-commands")
    @Blocking
    public void consume(String payload) {
        runner.recover(MessageCodec.fromJson(payload, RestoreWorkerCommand.class));
    }
}
