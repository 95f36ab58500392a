package io.redisbackup.taskexecution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    /** A message and the topic it goes to. */
    public record Outgoing(String topic, Message message) {
    }

    /** A message sent without waiting for the broker; a later publish of the same {@link InOrder} makes sure of it. */
    private record Ahead(Outgoing outgoing, CompletableFuture<Void> acked) {
    }

    /**
     * One task's news, in its order: some sent {@link #ahead} without waiting for the broker (that the task started,
     * that it began to change an instance), the rest {@link #publish}ed and waited for, together with all that went
     * ahead of it. The producer keeps one key's records in order; if the broker did not take a message sent ahead,
     * it is sent again with every later one, then the messages published, in their order: the newest news is never
     * overtaken by an older one.
     */
    public final class InOrder {

        private final List<Ahead> ahead = new ArrayList<>();

        private InOrder() {
        }

        public synchronized void ahead(String topic, Message message) {
            Outgoing out = new Outgoing(topic, message);
            ahead.add(new Ahead(out, send(out)));
        }

        /** {@link EventPublisher#publishAll(List)}, once the broker has what was sent ahead (or has it again). */
        public synchronized void publish(List<Outgoing> messages) {
            List<Outgoing> left = settling(messages);
            if (!left.isEmpty()) {
                publishAll(left);
            }
        }

        /**
         * What {@link #publish} sends: every message sent ahead from the first the broker did not take (each waited
         * for), then {@code messages}; for another line of news to publish with its own in one round trip (a task's
         * outcome with the instance's status, {@link TaskReporter#succeeded}). This line's news then ends here.
         */
        public synchronized List<Outgoing> settling(List<Outgoing> messages) {
            List<Outgoing> left = new ArrayList<>();
            for (Ahead sent : ahead) {
                if (!left.isEmpty() || !taken(sent.acked())) {
                    left.add(sent.outgoing());
                }
            }
            left.addAll(messages);
            ahead.clear();
            return left;
        }
    }

    /** A new {@link InOrder}: one for each task, or each line of news of one task. */
    public InOrder inOrder() {
        return new InOrder();
    }

    /** Sends and waits until the broker has the message: used for everything a later step relies on. */
    public void publish(String topic, Message message) {
        publishAll(List.of(new Outgoing(topic, message)));
    }

    /**
     * Sends every message at once and waits until the broker has them all (one round trip, not one each); what the
     * broker did not take is sent again, as {@link #publish} does.
     */
    public void publishAll(List<Outgoing> messages) {
        List<Outgoing> left = messages;
        long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        for (int attempt = 1;; attempt++) {
            List<CompletableFuture<Void>> acks = left.stream().map(this::send).toList();
            List<Outgoing> notTaken = new ArrayList<>();
            KafkaSender.NotSent failure = null;
            for (int i = 0; i < acks.size(); i++) {
                try {
                    sender.await(acks.get(i));
                } catch (KafkaSender.NotSent e) {
                    notTaken.add(left.get(i));
                    failure = e;
                }
            }
            Message first = (notTaken.isEmpty() ? left : notTaken).get(0).message();
            String what = first.getClass().getSimpleName() + " for task " + first.taskId();
            if (failure == null) {
                if (attempt > 1) {
                    LOG.infof("Kafka took %s after %d tries", what, attempt);
                }
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("Interrupted while sending to Kafka", failure);
            }
            if (System.nanoTime() - giveUpAt > 0) {
                throw new IllegalStateException("Kafka did not take " + what + " in " + GIVE_UP_AFTER.toMinutes()
                        + " minutes", failure);
            }
            LOG.warnf("Kafka did not take %s (%s); sending it again", what, failure.getMessage());
            left = notTaken;
            pause();
        }
    }

    private CompletableFuture<Void> send(Outgoing out) {
        return sender.send(kafka, out.topic(), out.message().instanceId().toString(),
                MessageCodec.toJson(out.message()));
    }

    private boolean taken(CompletableFuture<Void> acked) {
        try {
            sender.await(acked);
            return true;
        } catch (KafkaSender.NotSent e) {
            LOG.warnf("Kafka did not take a message sent ahead (%s); sending it again", e.getMessage());
            return false;
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
