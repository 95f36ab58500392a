package io.redisbackup.apigateway.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the backup catalogue in step with the backup worker and each instance's status in step with the restore
 * worker. One Kafka consumer reads both topics: each consumer is a poll loop, a heartbeat and a fetch every half
 * second, also while nothing happens. Unreadable messages go to the dead-letter topic, which records their topic.
 */
@ApplicationScoped
public class WorkerEventsConsumer {

    private final BackupService backups;
    private final InstanceService instances;

    public WorkerEventsConsumer(BackupService backups, InstanceService instances) {
        this.backups = backups;
        this.instances = instances;
    }

    @Incoming("worker-events")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        switch (record.topic()) {
            case Topics.BACKUP_EVENTS -> backups.apply(MessageCodec.fromJson(record.value(), BackupEvent.class));
            case Topics.INSTANCE_STATUS ->
                    instances.apply(MessageCodec.fromJson(record.value(), InstanceStatusChanged.class));
            default -> throw new IllegalArgumentException("A record of topic " + record.topic()
                    + " reached the gateway's consumer of " + Topics.BACKUP_EVENTS + " and " + Topics.INSTANCE_STATUS);
        }
    }
}
