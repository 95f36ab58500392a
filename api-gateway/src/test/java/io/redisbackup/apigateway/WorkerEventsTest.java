package io.redisbackup.apigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.Topics;
import io.redisbackup.testsupport.TopicClient;

/** The gateway's one consumer of the workers' backup events and instance statuses. */
@QuarkusTest
class WorkerEventsTest extends GatewayTest {

    @Test
    void setsAsideWhatItCannotReadOfEitherTopicAndGoesOn() {
        String instanceId = register(redis, "unreadable-events");
        try (TopicClient kafka = new TopicClient()) {
            kafka.send(Topics.BACKUP_EVENTS, instanceId, "{\"messageType\":\"BackupCompleted\"");
            kafka.send(Topics.INSTANCE_STATUS, instanceId, "not an event at all");

            List<ConsumerRecord<String, String>> setAside = kafka.awaitRecords("api-gateway-dlq", instanceId, 2,
                    Duration.ofSeconds(30));
            assertEquals(List.of(Topics.BACKUP_EVENTS, Topics.INSTANCE_STATUS),
                    setAside.stream().map(r -> new String(r.headers().lastHeader("dead-letter-topic").value(),
                            StandardCharsets.UTF_8)).sorted().toList());
        }
        succeededBackup(instanceId); // and the events after them are still applied
    }
}
