package io.redisbackup.taskexecution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.Topics;
import io.redisbackup.kafkasender.KafkaSender;

/**
 * What the publisher sends, and in which order, when news went ahead without waiting: pure logic, over an emitter
 * that takes or refuses each record as told (the broker's side is covered by the workers' integration tests).
 */
class EventPublisherTest {

    private static final UUID INSTANCE = UUID.randomUUID();
    private final Broker broker = new Broker();
    private final EventPublisher events = new EventPublisher(broker, new KafkaSender(() -> Duration.ofSeconds(5)));

    @Test
    void newsTheBrokerTookAheadIsNotSentAgain() {
        EventPublisher.InOrder news = events.inOrder();
        news.ahead(Topics.INSTANCE_STATUS, status("recovering"));
        news.publish(List.of(outgoing("running")));
        news.publish(List.of(outgoing("started"))); // what went ahead was made sure of once
        assertEquals(List.of("recovering", "running", "started"), broker.sent);
    }

    @Test
    void newsTheBrokerRefusedAheadIsSentAgainWithAllThatFollowedItAndBeforeTheOutcome() {
        EventPublisher.InOrder news = events.inOrder();
        broker.refuseNext();
        news.ahead(Topics.TASK_STATUS, status("started"));
        news.ahead(Topics.INSTANCE_STATUS, status("recovering"));
        news.publish(List.of(outgoing("running")));
        // "recovering" was taken, but goes again after "started": the newest news is never overtaken by older
        assertEquals(List.of("started", "recovering", "started", "recovering", "running"), broker.sent);
    }

    @Test
    void nothingAheadAndNothingToSendSendsNothing() {
        events.inOrder().publish(List.of());
        assertEquals(List.of(), broker.sent);
    }

    /** A status event whose task id stands for {@code name}, to tell the records apart. */
    private static InstanceStatusChanged status(String name) {
        return InstanceStatusChanged.of(UUID.nameUUIDFromBytes(name.getBytes()), INSTANCE, InstanceStatus.RUNNING,
                Instant.EPOCH);
    }

    private static EventPublisher.Outgoing outgoing(String name) {
        return new EventPublisher.Outgoing(Topics.INSTANCE_STATUS, status(name));
    }

    /** Takes every record (acknowledges it) unless told to refuse the next one; notes each by its name. */
    private static final class Broker implements Emitter<String> {
        final List<String> sent = new ArrayList<>();
        private final Deque<Boolean> refusals = new ArrayDeque<>();
        private static final List<String> NAMES = List.of("started", "recovering", "running");

        void refuseNext() {
            refusals.add(true);
        }

        @Override
        public <M extends Message<? extends String>> void send(M message) {
            String payload = message.getPayload();
            sent.add(NAMES.stream().filter(name -> payload.contains(UUID.nameUUIDFromBytes(name.getBytes())
                    .toString())).findFirst().orElseThrow());
            if (refusals.pollFirst() != null) {
                message.nack(new IllegalStateException("refused"));
            } else {
                message.ack();
            }
        }

        @Override
        public CompletionStage<Void> send(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
