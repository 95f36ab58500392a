package io.redisbackup.taskcenter.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.taskcenter.Task;
import io.redisbackup.taskcenter.TaskHistoryEntry;
import io.redisbackup.taskcenter.config.TaskCenterConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Builds the task records from status events. Only forward moves are applied: an event whose sequence is not
 * above the last one applied (a duplicate, a late one) or whose status move is not allowed is dropped, so nothing
 * can undo a finished task.
 */
@ApplicationScoped
public class TaskRecorder {

    private static final Logger LOG = Logger.getLogger(TaskRecorder.class);
    private final Clock clock;
    private final TaskCenterConfig config;
    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    /** The task center's tables, in its own schema (where its migrations and its ORM put them). */
    private final String tasks;
    private final String history;
    private final Instant startedAt;

    public TaskRecorder(Clock clock, TaskCenterConfig config, AgroalDataSource dataSource, ObjectMapper json,
            @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") String schema) {
        this.clock = clock;
        this.config = config;
        this.dataSource = dataSource;
        this.json = json;
        this.tasks = schema + ".task";
        this.history = schema + ".task_status_change";
        this.startedAt = clock.instant();
    }

    /**
     * Applies one event in a transaction of its own, straight over JDBC: every task makes several (accepted,
     * running, its progress, its end), and the ORM's transaction and entity machinery cost the task center more CPU
     * than the statements. The row is locked while the event is weighed, so a stall mark cannot cross it.
     */
    public void apply(TaskStatusChanged event) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                apply(connection, event);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record event " + event.sequence() + " of task " + event.taskId()
                    + ": " + e.getMessage(), e);
        }
    }

    private void apply(Connection connection, TaskStatusChanged event) throws SQLException {
        Recorded task = find(connection, event.taskId());
        if (task == null) {
            insert(connection, event);
            record(connection, event.taskId(), event.attempt(), event.sequence(), event.status(), event.occurredAt(),
                    event.message());
            LOG.infof("Task %s (%s, instance %s) is %s", event.taskId(), event.taskType(), event.instanceId(),
                    event.status());
            return;
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        if (event.project() != null && task.project() == null) {
            changes.put("project", event.project()); // whatever order the events came in
        }
        boolean applied = false;
        if (event.sequence() <= task.lastSequence()) {
            LOG.debugf("Task %s: event %d is not newer than %d; dropped", event.taskId(), event.sequence(),
                    task.lastSequence());
        } else if (!task.status().canTransitionTo(event.status())) {
            LOG.warnf("Task %s: %s -> %s is not allowed; event %d dropped", event.taskId(), task.status(),
                    event.status(), event.sequence());
        } else {
            addChangesBy(event, task, changes);
            applied = true;
        }
        if (changes.isEmpty()) {
            return;
        }
        update(connection, event.taskId(), changes);
        boolean retry = event.attempt() != null && task.attempt() != null && event.attempt() > task.attempt();
        if (applied && (task.status() != event.status() || retry)) {
            record(connection, event.taskId(), event.attempt() != null ? event.attempt() : task.attempt(),
                    event.sequence(), event.status(), event.occurredAt(), event.message());
            LOG.infof("Task %s (%s, instance %s) is %s", event.taskId(), task.type(), task.instanceId(),
                    event.status());
        }
    }

    /** Adds the columns an applied event sets: its status and sequence always, the rest where it says something. */
    private void addChangesBy(TaskStatusChanged event, Recorded task, Map<String, Object> changes) {
        changes.put("status", event.status().name());
        changes.put("last_sequence", event.sequence());
        changes.put("updated_at", at(clock.instant()));
        changes.put("stalled", false);
        if (event.attempt() != null) {
            changes.put("attempt", event.attempt());
        }
        if (event.progress() != null) {
            changes.put("progress", new Json(toJson(event.progress())));
        }
        if (event.message() != null) {
            changes.put("message", event.message());
        }
        if (event.error() != null) {
            changes.put("error_code", event.error().code());
            changes.put("error_message", event.error().message());
        }
        if (event.result() != null) {
            changes.put("result", new Json(toJson(event.result())));
        }
        if (event.status() == TaskStatus.RUNNING && !task.started()) {
            changes.put("started_at", at(event.occurredAt()));
        }
        if (event.status().isTerminal()) {
            changes.put("finished_at", at(event.occurredAt()));
        }
    }

    private Recorded find(Connection connection, UUID taskId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select status, last_sequence, attempt, project, "
                + "started_at is not null, type, instance_id from " + tasks + " where id = ? for update")) {
            select.setObject(1, taskId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                int attempt = row.getInt(3);
                return new Recorded(TaskStatus.valueOf(row.getString(1)), row.getLong(2),
                        row.wasNull() ? null : attempt, row.getString(4), row.getBoolean(5), row.getString(6),
                        row.getObject(7, UUID.class));
            }
        }
    }

    private void insert(Connection connection, TaskStatusChanged event) throws SQLException {
        execute(connection, "insert into " + tasks + " (id, type, instance_id, backup_id, project, trigger, status, "
                + "progress, message, error_code, error_message, result, created_at, started_at, finished_at, "
                + "updated_at, last_sequence, attempt, stalled) values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, "
                + "?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, false)",
                event.taskId(), event.taskType().name(), event.instanceId(), event.backupId(), event.project(),
                event.trigger() == null ? null : event.trigger().name(), event.status().name(),
                event.progress() == null ? null : toJson(event.progress()), event.message(),
                event.error() == null ? null : event.error().code(),
                event.error() == null ? null : event.error().message(),
                event.result() == null ? null : toJson(event.result()), at(event.occurredAt()),
                event.status() == TaskStatus.RUNNING ? at(event.occurredAt()) : null,
                event.status().isTerminal() ? at(event.occurredAt()) : null, at(clock.instant()), event.sequence(),
                event.attempt());
    }

    private void update(Connection connection, UUID taskId, Map<String, Object> changes) throws SQLException {
        StringBuilder sql = new StringBuilder("update ").append(tasks).append(" set ");
        List<Object> values = new ArrayList<>();
        changes.forEach((column, value) -> {
            sql.append(values.isEmpty() ? "" : ", ").append(column)
                    .append(value instanceof Json ? " = cast(? as jsonb)" : " = ?");
            values.add(value instanceof Json json ? json.text() : value);
        });
        values.add(taskId);
        execute(connection, sql.append(" where id = ?").toString(), values.toArray());
    }

    private void record(Connection connection, UUID taskId, Integer attempt, long sequence, TaskStatus status,
            Instant at, String message) throws SQLException {
        execute(connection, "insert into " + history + " (task_id, sequence, status, occurred_at, message, attempt) "
                + "values (?, ?, ?, ?, ?, ?)", taskId, sequence, status.name(), at(at), message, attempt);
    }

    private static void execute(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                // a null of no stated type: the server takes the column's (a varchar null would not go into a uuid)
                if (values[i] == null) {
                    statement.setNull(i + 1, Types.OTHER);
                } else {
                    statement.setObject(i + 1, values[i]);
                }
            }
            statement.executeUpdate();
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** What the task's row says before an event is applied. */
    private record Recorded(TaskStatus status, long lastSequence, Integer attempt, String project, boolean started,
            String type, UUID instanceId) {
    }

    /** A column's value that is JSON text, for a {@code jsonb} column. */
    private record Json(String text) {
    }

    /**
     * Marks the tasks whose worker has sent no news for too long as stalled, once each; returns how many. Not
     * final: the workers decide that an attempt is lost (they alone can fence it) and report it FAILED.
     */
    @Transactional
    public int markStalledTasks() {
        Instant now = clock.instant();
        // after a start of the task center, news queued in Kafka while it was down is not missing news
        Instant silentSince = now.minus(config.stalledAfter());
        if (silentSince.isBefore(startedAt)) {
            return 0;
        }
        List<Task> stalled = Task.list("status in ?1 and updatedAt < ?2 and stalled = false",
                List.of(TaskStatus.RUNNING, TaskStatus.DELAYED), silentSince);
        for (Task task : stalled) {
            task.stalled = true;
            String message = "No news from its worker for " + config.stalledAfter().toMinutes() + " minutes. If the "
                    + "worker stopped, the task is taken up again when a worker of its kind runs, or failed as "
                    + "WORKER_LOST once it has been held by none for the workers' lost-after time.";
            task.message = message;
            recordNote(task, task.lastSequence, now, message);
            LOG.warnf("Task %s (%s, instance %s) has had no news since %s", task.id, task.type, task.instanceId,
                    task.updatedAt);
        }
        return stalled.size();
    }

    private static void recordNote(Task task, long sequence, Instant at, String message) {
        TaskHistoryEntry change = new TaskHistoryEntry();
        change.attempt = task.attempt;
        change.taskId = task.id;
        change.sequence = sequence;
        change.status = task.status;
        change.occurredAt = at;
        change.message = message;
        change.persist();
    }
}
