package io.redisbackup.apigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.AuditRecorded;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.Topics;
import io.redisbackup.outbox.Outbox;
import io.redisbackup.testsupport.TopicClient;
import jakarta.inject.Inject;

@QuarkusTest
class OutboxRelayTest extends GatewayTest {

    @Inject
    Outbox outbox;

    /** The relay sends a batch whole before it awaits the broker; one instance's messages must keep their order. */
    @Test
    void sendsOneInstancesMessagesOnceEachInTheOrderTheyWereWritten() {
        UUID instance = UUID.randomUUID();
        int count = 250; // the relay's batches are of 100
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < count; i++) {
                outbox.append(Topics.AUDIT_EVENTS, AuditRecorded.of(i, Instant.now(), "test", null, "in order", "/",
                        instance, null, null, 200, null));
            }
        });
        try (TopicClient kafka = new TopicClient()) {
            kafka.await(Topics.AUDIT_EVENTS, instance.toString(), count, Duration.ofSeconds(30));
            List<Long> sent = kafka.readAll(Topics.AUDIT_EVENTS, instance.toString()).stream()
                    .map(json -> MessageCodec.fromJson(json, AuditRecorded.class).entryId()).toList();
            assertEquals(LongStream.range(0, count).boxed().toList(), sent);
        }
    }
}
