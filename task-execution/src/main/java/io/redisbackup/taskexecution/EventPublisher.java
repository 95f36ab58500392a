package io.redisbackup.taskexecution;

import java.time.Duration;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import io.redisbackup.contracts.Message;
import io.redisbackup.kafkasender.KafkaSender;
import io.redisbackup.contracts.MessageCodec;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sends the worker's events (task status, backup events) keyed by instance. An event a later step relies on is
 * sent until the broker has it: through a Kafka outage the task waits (its attempt stays held) rather than lose
 * the news or end unreported. A repeated send is harmless: consumers drop events by sequence and event id.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    /** After this long without the broker the worker gives up on the message (the command is retried later). */
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(15);

    private final Emitter<String> kafka;
    private final KafkaSender sender;

    public EventPublisher(@Channel("events") Emitter<String> kafka, KafkaSender sender) {
        this.kafka = kafka;
        this.sender = sender;
    }

    /** Sends and waits until the broker has the message: used for everything a later step relies on. */
    public void publish(String topic, Message message) {
        long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        for (int attempt = 1;; attempt++) {
            try {
                sender.sendAndWait(kafka, topic, message.instanceId().toString(), MessageCodec.toJson(message));
                if (attempt > 1) {
                    LOG.infof("Kafka took %s for task %s after %d tries", message.getClass().getSimpleName(),
                            message.taskId(), attempt);
                }
                return;
            } catch (KafkaSender.NotSent e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("Interrupted while sending to Kafka", e);
                }
                if (System.nanoTime() - giveUpAt > 0) {
                    throw new IllegalStateException("Kafka did not take " + message.getClass().getSimpleName()
                            + " for task " + message.taskId() + " in " + GIVE_UP_AFTER.toMinutes() + " minutes", e);
                }
                LOG.warnf("Kafka did not take %s for task %s (%s); sending it again", message.getClass().getSimpleName(),
                        message.taskId(), e.getMessage());
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending to Kafka", e);
        }
    }

    /** Sends without waiting: for progress, where a lost report is replaced by the next one. */
    public void publishSoon(String topic, Message message) {
        sender.send(kafka, topic, message.instanceId().toString(), MessageCodec.toJson(message));
    }
}
