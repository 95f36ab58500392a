package io.redisbackup.outbox;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.redisbackup.kafkasender.KafkaSender;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.LockModeType;

/**
 * Sends the outbox to Kafka in the order it was written, keyed by instance, and deletes each message once the
 * broker has acknowledged it. Runs right after a commit that added messages, and on a timer for anything left by
 * a failed send or a crash. Rows are locked with SKIP LOCKED, so several gateways never send the same message
 * at the same time; a message can still be sent twice after a crash between send and delete, which consumers
 * absorb (commands are idempotent by task id, task events by sequence).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;

    private final Emitter<String> kafka;
    private final KafkaSender sender;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "outbox-relay"));
    private final AtomicBoolean queued = new AtomicBoolean();

    public OutboxRelay(@Channel("outbox") Emitter<String> kafka, KafkaSender sender) {
        this.kafka = kafka;
        this.sender = sender;
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Appended appended) {
        relaySoon();
    }

    @Scheduled(every = "${outbox.sweep-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        relaySoon();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.shutdown();
    }

    private void relaySoon() {
        if (worker.isShutdown()) {
            return; // the application is stopping; what is left is sent after the next start
        }
        if (queued.compareAndSet(false, true)) {
            worker.execute(() -> {
                queued.set(false);
                try {
                    while (relayBatch() == BATCH) {
                        // keep going while full batches come
                    }
                } catch (RuntimeException e) {
                    LOG.warnf("Outbox relay paused, will retry: %s", e.getMessage());
                }
            });
        }
    }

    /** Sends one batch in one transaction; a failed send rolls the batch back, to be sent again later. */
    int relayBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<OutboxMessage> batch = OutboxMessage.find("order by id").withLock(LockModeType.PESSIMISTIC_WRITE)
                    .withHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED
                    .page(0, BATCH).list();
            for (OutboxMessage row : batch) {
                send(row);
                row.delete();
            }
            return batch.size();
        });
    }

    private void send(OutboxMessage row) {
        try {
            sender.sendAndWait(kafka, row.topic, row.messageKey, row.payload);
        } catch (KafkaSender.NotSent e) {
            throw new IllegalStateException("Kafka did not take outbox message " + row.id + " for " + row.topic + ": "
                    + e.getMessage(), e);
        }
    }
}
