package io.redisbackup.apigateway.messaging;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/** Keeps each instance's status in step with the restore worker. */
@ApplicationScoped
public class InstanceStatusConsumer {

    private final InstanceService instances;

    public InstanceStatusConsumer(InstanceService instances) {
        this.instances = instances;
    }

    @Incoming("instance-status")
    @Blocking
    public void consume(String payload) {
        instances.apply(MessageCodec.fromJson(payload, InstanceStatusChanged.class));
    }
}
