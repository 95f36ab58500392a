package io.redisbackup.taskexecution;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.redisbackup.contracts.Message;
import io.redisbackup.contracts.MessageCodec;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;

/** Sends the worker's events (task status, backup events) keyed by instance. */
@ApplicationScoped
public class EventPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final Emitter<String> kafka;

    public EventPublisher(@Channel("events") Emitter<String> kafka) {
        this.kafka = kafka;
    }

    /** Sends and waits until the broker has the message: used for everything a later step relies on. */
    public void publish(String topic, Message message) {
        CompletableFuture<Void> acked = send(topic, message);
        try {
            acked.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not take " + message.getClass().getSimpleName()
                    + " for task " + message.taskId(), e);
        }
    }

    /** Sends without waiting: for progress, where a lost report is replaced by the next one. */
    public void publishSoon(String topic, Message message) {
        send(topic, message);
    }

    private CompletableFuture<Void> send(String topic, Message message) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        kafka.send(org.eclipse.microprofile.reactive.messaging.Message.of(MessageCodec.toJson(message))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(topic).withKey(message.instanceId().toString()).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return acked;
    }
}
