package io.redisbackup.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.redisbackup.kafkasender.KafkaSender;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

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
    private final AgroalDataSource dataSource;
    /** The outbox's table, in the service's own schema (where its migrations and its ORM put it). */
    private final String table;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "outbox-relay"));
    private final AtomicBoolean queued = new AtomicBoolean();

    public OutboxRelay(@Channel("outbox") Emitter<String> kafka, KafkaSender sender, AgroalDataSource dataSource,
            @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") String schema) {
        this.kafka = kafka;
        this.sender = sender;
        this.dataSource = dataSource;
        this.table = schema + ".outbox_message";
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Appended appended) {
        relaySoon();
    }

    /**
     * Not before the application has started: until then the Kafka channel may not be wired, and building this bean
     * failed (once a second, with the whole stack trace) on a machine that took longer than the delay to start.
     */
    @Scheduled(every = "${outbox.sweep-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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

    /**
     * Sends one batch in one transaction, straight over JDBC (every accepted request makes a batch or two, and the
     * ORM's transaction and entity machinery cost more CPU than the two statements); a failed send rolls the batch
     * back, to be sent again later (those of it that the broker took are then sent twice).
     */
    int relayBatch() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Sending> sent = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("select id, topic, message_key, payload "
                        + "from " + table + " order by id limit " + BATCH + " for update skip locked");
                        ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        // all sent before any is awaited: the producer keeps their order (idempotent, acks=all) and
                        // puts what is ready together into one request, rather than one round trip each
                        String topic = rows.getString(2);
                        sent.add(new Sending(rows.getLong(1), topic,
                                sender.send(kafka, topic, rows.getString(3), rows.getString(4))));
                    }
                }
                for (Sending sending : sent) {
                    await(sending);
                }
                if (!sent.isEmpty()) {
                    try (PreparedStatement delete = connection.prepareStatement("delete from " + table
                            + " where id = any (?)")) {
                        delete.setArray(1, connection.createArrayOf("bigint",
                                sent.stream().map(Sending::id).toArray()));
                        delete.executeUpdate();
                    }
                }
                connection.commit();
                return sent.size();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The outbox cannot be read: " + e.getMessage(), e);
        }
    }

    /** An outbox row handed to the producer, and the broker's acknowledgement of it. */
    private record Sending(long id, String topic, CompletableFuture<Void> acknowledged) {
    }

    private void await(Sending sending) {
        try {
            sender.await(sending.acknowledged());
        } catch (KafkaSender.NotSent e) {
            throw new IllegalStateException("Kafka did not take outbox message " + sending.id() + " for "
                    + sending.topic() + ": " + e.getMessage(), e);
        }
    }
}
