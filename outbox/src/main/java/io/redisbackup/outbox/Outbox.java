package io.redisbackup.outbox;

import java.time.Clock;

import io.redisbackup.contracts.Message;
import io.redisbackup.contracts.MessageCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

/**
 * Records a message to send in the caller's transaction: it reaches Kafka if and only if that transaction
 * commits ({@link OutboxRelay} sends it afterwards), so a crash can neither lose an accepted command nor send one
 * for a change that was rolled back.
 */
@ApplicationScoped
public class Outbox {

    private final Clock clock;
    private final Event<Appended> appended;

    public Outbox(Clock clock, Event<Appended> appended) {
        this.clock = clock;
        this.appended = appended;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void append(String topic, Message message) {
        write(topic, message.instanceId().toString(), MessageCodec.toJson(message));
    }

    /** A record with the instance as key and no value: on a compacted topic, the instance is gone. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendTombstone(String topic, java.util.UUID instanceId) {
        write(topic, instanceId.toString(), null);
    }

    private void write(String topic, String key, String payload) {
        OutboxMessage row = new OutboxMessage();
        row.topic = topic;
        row.messageKey = key;
        row.payload = payload;
        row.createdAt = clock.instant();
        row.persist();
        appended.fire(new Appended());
    }

    /** Fired for every appended message; the relay reacts once the transaction has committed. */
    public record Appended() {
    }
}
