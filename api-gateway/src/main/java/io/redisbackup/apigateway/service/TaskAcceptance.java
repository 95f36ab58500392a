package io.redisbackup.apigateway.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.redisbackup.apigateway.AcceptedTask;
import io.redisbackup.contracts.TaskCommand;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.outbox.Outbox;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Accepting a task: its first status event (PENDING, with the instance's project) goes into the outbox with the
 * command ({@link Outbox#accept}), and the gateway keeps the task, so that it can show it as PENDING at once, whether or not the task center
 * has heard of it (Kafka may be unreachable).
 */
@ApplicationScoped
public class TaskAcceptance {

    private static final String NOT_HEARD = "Accepted; the task center has not heard of it yet";

    private final Outbox outbox;

    public TaskAcceptance(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Accepts the task {@code command} carries out, for an instance of {@code project}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void accept(TaskCommand command, String project) {
        AcceptedTask.keep(outbox.accept(command, project, null));
    }

    /**
     * Accepts a task whose command is held until something else has happened: its PENDING status, saying what it
     * waits for, goes out now; the caller sends the command later.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void hold(TaskCommand command, String project, String waitingFor) {
        AcceptedTask.keep(outbox.announce(command, project, waitingFor));
    }

    /** The task as the gateway accepted it, in the task center's form (PENDING), if it accepted it. */
    public Optional<JsonObject> asAccepted(UUID taskId) {
        AcceptedTask task = AcceptedTask.findById(taskId);
        if (task == null) {
            return Optional.empty();
        }
        JsonObject view = new JsonObject().put("id", task.taskId.toString()).put("type", task.type.name())
                .put("instanceId", task.instanceId.toString()).put("project", task.project)
                .put("trigger", task.trigger.name()).put("status", TaskStatus.PENDING.name()).put("message", NOT_HEARD)
                .put("createdAt", task.acceptedAt.toString()).put("updatedAt", task.acceptedAt.toString())
                .put("history", List.of(Map.of("status", TaskStatus.PENDING.name(), "at", task.acceptedAt.toString(),
                        "message", NOT_HEARD)));
        if (task.backupId != null) {
            view.put("backupId", task.backupId.toString());
        }
        return Optional.of(view);
    }

    /** Forgets the tasks accepted before {@code before}; returns how many. */
    @Transactional
    public long forgetAcceptedBefore(Instant before) {
        return AcceptedTask.delete("acceptedAt < ?1", before);
    }
}
