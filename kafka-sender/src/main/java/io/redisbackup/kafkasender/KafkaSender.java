package io.redisbackup.kafkasender;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sends records to Kafka and, where a later step relies on the record, waits until the broker has it (its
 * acknowledgement), for at most {@code kafka-send.timeout}. The outbox relay and the workers' event publisher both
 * send this way; what they do when the broker does not answer in time is theirs (the relay leaves the row for its
 * next round, the publisher sends again).
 */
@ApplicationScoped
public class KafkaSender {

    /** How long a send may wait for the broker's acknowledgement. */
    @ConfigMapping(prefix = "kafka-send")
    public interface Config {
        @WithDefault("10s")
        Duration timeout();
    }

    /** The broker did not take the record in time, or refused it. */
    public static final class NotSent extends Exception {
        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Duration timeout;

    public KafkaSender(Config config) {
        this.timeout = config.timeout();
    }

    /** Waits until the broker has a record {@link #send} sent, for at most {@code kafka-send.timeout}. */
    public void await(CompletableFuture<Void> acked) throws NotSent {
        try {
            acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new NotSent("the broker did not acknowledge it in " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new NotSent("the broker refused it: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotSent("interrupted while waiting for the broker", e);
        }
    }

    /** Sends without waiting; the future completes when the broker has the record. */
    public <T> CompletableFuture<Void> send(Emitter<T> emitter, String topic, String key, T payload) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(key).build())
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
