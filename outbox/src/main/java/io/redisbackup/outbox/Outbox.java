package io.redisbackup.outbox;

import java.time.Clock;

import io.redisbackup.contracts.Message;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskCommand;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
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

    /**
     * Accepting a task: its first event (PENDING, {@link TaskStatusChanged#accepted}) and the command that carries
     * it out, both sent if and only if the caller's transaction commits; the event, for the caller to keep.
     *
     * @param message what the task center shows with the PENDING status; null for none
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public TaskStatusChanged accept(TaskCommand command, String project, String message) {
        TaskStatusChanged pending = announce(command, project, message);
        append(Topics.of(command), command);
        return pending;
    }

    /**
     * Accepting a task whose command waits for something else first: only its first event (PENDING) now; the
     * command is {@link #append}ed when it may go.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public TaskStatusChanged announce(TaskCommand command, String project, String message) {
        TaskStatusChanged pending = TaskStatusChanged.accepted(command, project).withMessage(message);
        append(Topics.TASK_STATUS, pending);
        return pending;
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
