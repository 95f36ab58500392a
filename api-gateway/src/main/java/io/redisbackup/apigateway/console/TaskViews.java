package io.redisbackup.apigateway.console;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Tasks as the console shows them, read from the task center's answers (JSON). Times are in UTC. */
public final class TaskViews {

    static final ZoneId UTC = ZoneId.of("UTC");
    private static final Map<String, String> TYPES = Map.of("BACKUP", "Backup", "RECOVER_INSTANCE",
            "Recover instance", "RECOVER_KEYS", "Recover keys", "DELETE_BACKUP", "Delete backup", "VERIFY_BACKUP",
            "Restore drill");
    /** The result's entries the console names, in the order it shows them; others follow as they are named. */
    private static final Map<String, String> RESULTS = new java.util.LinkedHashMap<>();

    static {
        RESULTS.put("keysRestored", "Keys restored");
        RESULTS.put("keysNotInBackup", "Keys not in the backup");
        RESULTS.put("keysExpired", "Keys whose expiry had passed");
        RESULTS.put("restored", "Restored");
        RESULTS.put("notInBackup", "Not in the backup");
        RESULTS.put("expired", "Expired");
        RESULTS.put("notRestored", "Not restored");
        RESULTS.put("functionLibraries", "Function libraries");
        RESULTS.put("backupId", "Backup");
        RESULTS.put("safetyBackupId", "Backup of the instance as it was before (the way back)");
    }

    private TaskViews() {
    }

    /** One line of a task's history. */
    public record Change(String status, String at, String message) {
    }

    /** One line of a task's result. */
    public record ResultLine(String label, String value) {
    }

    /**
     * A task: what the list and its page show. {@code percent} is null when the task says nothing of its progress;
     * {@code history} and {@code result} are empty in the list.
     */
    public record TaskRow(String id, String type, String instanceId, String backupId, String status, Integer percent,
            String progress, String message, String created, String started, String finished, String errorCode,
            String errorMessage, List<Change> history, List<ResultLine> result, String safetyBackupId) {

        public boolean active() {
            return status.equals("PENDING") || status.equals("DELAYED") || status.equals("RUNNING");
        }

        static TaskRow of(JsonObject task) {
            JsonObject progress = task.getJsonObject("progress");
            JsonObject error = task.getJsonObject("error");
            List<Change> history = new ArrayList<>();
            JsonArray changes = task.getJsonArray("history");
            for (int i = 0; changes != null && i < changes.size(); i++) {
                JsonObject change = changes.getJsonObject(i);
                history.add(new Change(change.getString("status"), when(change.getString("at")),
                        change.getString("message", "")));
            }
            List<ResultLine> result = new ArrayList<>();
            JsonObject results = task.getJsonObject("result");
            if (results != null) {
                List<String> names = new ArrayList<>(RESULTS.keySet());
                names.retainAll(results.fieldNames());
                results.fieldNames().stream().filter(name -> !RESULTS.containsKey(name)).sorted().forEach(names::add);
                for (String name : names) {
                    Object value = results.getValue(name);
                    String text = value instanceof JsonArray list ? String.join("; ", list.stream()
                            .map(String::valueOf).toList()) : String.valueOf(value);
                    result.add(new ResultLine(RESULTS.getOrDefault(name, name), text.isEmpty() ? "none" : text));
                }
            }
            String type = task.getString("type", "");
            return new TaskRow(task.getString("id"), TYPES.getOrDefault(type, type), task.getString("instanceId"),
                    task.getString("backupId"), task.getString("status", ""),
                    progress == null ? null : progress.getInteger("percent"), progressText(progress),
                    task.getString("message", ""), when(task.getString("createdAt")),
                    when(task.getString("startedAt")), when(task.getString("finishedAt")),
                    error == null ? null : error.getString("code"), error == null ? null : error.getString("message"),
                    history, result, results == null ? null : results.getString("safetyBackupId"));
        }

        private static String progressText(JsonObject progress) {
            if (progress == null) {
                return "";
            }
            if (progress.getLong("keysTotal") != null) {
                return String.format(java.util.Locale.ROOT, "%,d of %,d keys", progress.getLong("keysDone", 0L),
                        progress.getLong("keysTotal"));
            }
            if (progress.getLong("bytesTotal") != null) {
                return ConsoleViews.bytes(progress.getLong("bytesDone", 0L)) + " of "
                        + ConsoleViews.bytes(progress.getLong("bytesTotal"));
            }
            return progress.getInteger("percent") == null ? "" : progress.getInteger("percent") + "%";
        }
    }

    private static String when(String instant) {
        return instant == null ? "" : ConsoleViews.when(Instant.parse(instant), UTC);
    }
}
