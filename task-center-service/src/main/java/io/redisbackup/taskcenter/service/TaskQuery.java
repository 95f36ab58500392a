package io.redisbackup.taskcenter.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskType;
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.restproblems.QueryParameters;

/**
 * The filters of a task list, read from query parameters as given; every invalid parameter is reported at once.
 */
public record TaskQuery(UUID instanceId, List<String> projects, List<TaskType> types, List<TaskStatus> statuses,
        Instant since, Instant until, int page, int size) {

    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 200;

    public static TaskQuery parse(String instanceId, List<String> projects, List<String> types, List<String> statuses,
            String since, String until, String page, String size) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        TaskQuery query = new TaskQuery(
                QueryParameters.parse(instanceId, "instanceId", "is not a UUID", errors, UUID::fromString),
                projects == null ? List.of() : projects.stream().filter(p -> !p.isBlank()).toList(),
                parseAll(types, "type", errors, TaskType::valueOf),
                parseAll(statuses, "status", errors, TaskStatus::valueOf),
                QueryParameters.instant(since, "since", errors),
                QueryParameters.instant(until, "until", errors),
                QueryParameters.bounded(page, "page", 0, Integer.MAX_VALUE, 0, errors),
                QueryParameters.bounded(size, "size", 1, MAX_SIZE, DEFAULT_SIZE, errors));
        QueryParameters.reachable(query.page(), query.size(), errors);
        QueryParameters.refuseIfAny(errors);
        return query;
    }

    /** The JPQL condition and its parameters; everything matches when no filter is set. */
    public Map.Entry<String, Map<String, Object>> where() {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        if (instanceId != null) {
            conditions.add("instanceId = :instanceId");
            parameters.put("instanceId", instanceId);
        }
        if (!projects.isEmpty()) {
            conditions.add("project in :projects");
            parameters.put("projects", projects);
        }
        if (!types.isEmpty()) {
            conditions.add("type in :types");
            parameters.put("types", types);
        }
        if (!statuses.isEmpty()) {
            conditions.add("status in :statuses");
            parameters.put("statuses", statuses);
        }
        if (since != null) {
            conditions.add("createdAt >= :since");
            parameters.put("since", since);
        }
        if (until != null) {
            conditions.add("createdAt < :until");
            parameters.put("until", until);
        }
        return Map.entry(conditions.isEmpty() ? "1 = 1" : String.join(" and ", conditions), parameters);
    }

    private static <T extends Enum<T>> List<T> parseAll(List<String> texts, String field,
            List<ApiProblem.FieldError> errors, QueryParameters.Parser<T> parser) {
        List<T> values = new ArrayList<>();
        if (texts == null) {
            return values;
        }
        for (String text : texts) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    T value = QueryParameters.parse(part.toUpperCase(), field,
                            "'" + part.strip() + "' is not a known " + field, errors, parser);
                    if (value != null) {
                        values.add(value);
                    }
                }
            }
        }
        return values;
    }
}
