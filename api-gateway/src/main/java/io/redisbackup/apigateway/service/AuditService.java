package io.redisbackup.apigateway.service;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Sort;
import io.redisbackup.apigateway.AuditEntry;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.contracts.AuditRecorded;
import io.redisbackup.contracts.Topics;
import io.redisbackup.outbox.Outbox;
import io.redisbackup.problems.ApiProblem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The audit trail: each entry is stored and put on the audit-events topic in one transaction. An admin reads the
 * entries of its projects; only an admin of every project reads those about no project (tokens, refusals).
 */
@ApplicationScoped
public class AuditService {

    public static final int MAX_SIZE = 200;
    private static final int MAX_PAGE = 1_000_000;

    private static final Logger LOG = Logger.getLogger(AuditService.class);

    private final Outbox outbox;
    private final Caller caller;
    private final Vertx vertx;

    public AuditService(Outbox outbox, Caller caller, Vertx vertx) {
        this.outbox = outbox;
        this.caller = caller;
        this.vertx = vertx;
    }

    /**
     * Records the entry: at once on a worker thread, or handed to one from the event loop (a refusal may be answered
     * there), where no database call may block.
     */
    public void recordOffTheEventLoop(AuditEntry entry) {
        if (Context.isOnEventLoopThread()) {
            vertx.executeBlocking(() -> recordOrLog(entry), false);
        } else {
            recordOrLog(entry);
        }
    }

    private Void recordOrLog(AuditEntry entry) {
        try {
            record(entry);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Audit entry for %s (%d) not recorded", entry.action, entry.outcome);
        }
        return null;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(AuditEntry entry) {
        entry.persistAndFlush();
        outbox.append(Topics.AUDIT_EVENTS, AuditRecorded.of(entry.id, entry.occurredAt, entry.actor, entry.actorName,
                entry.action, entry.path, entry.instanceId, entry.backupId, entry.project, entry.outcome,
                entry.sourceAddress));
    }

    /** A page of entries, newest first. */
    public record Page(List<AuditEntry> items, int page, int size, long total) {
    }

    /** The entries the caller may read that match; every invalid parameter is named at once. */
    public Page find(String since, String until, String actor, String project, String page, String size) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        Instant from = instant(since, "since", errors);
        Instant to = instant(until, "until", errors);
        int pageNumber = bounded(page, "page", 0, MAX_PAGE, 0, errors);
        int pageSize = bounded(size, "size", 1, MAX_SIZE, 50, errors);
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some query parameters are invalid.", errors);
        }
        List<String> conditions = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        if (!caller.seesEveryProject()) {
            conditions.add("project in :projects");
            parameters.put("projects", caller.projects());
        }
        if (project != null && !project.isBlank()) {
            conditions.add("project = :project");
            parameters.put("project", project.strip());
        }
        if (actor != null && !actor.isBlank()) {
            conditions.add("actor = :actor");
            parameters.put("actor", actor.strip());
        }
        if (from != null) {
            conditions.add("occurredAt >= :since");
            parameters.put("since", from);
        }
        if (to != null) {
            conditions.add("occurredAt < :until");
            parameters.put("until", to);
        }
        PanacheQuery<AuditEntry> query = AuditEntry.find(conditions.isEmpty() ? "1 = 1" : String.join(" and ", conditions),
                Sort.descending("occurredAt", "id"), parameters);
        return new Page(query.page(pageNumber, pageSize).list(), pageNumber, pageSize, query.count());
    }

    private static Instant instant(String text, String field, List<ApiProblem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            errors.add(new ApiProblem.FieldError(field, "is not an ISO-8601 instant such as 2026-11-24T02:00:00Z"));
            return null;
        }
    }

    private static int bounded(String text, String field, int min, int max, int fallback,
            List<ApiProblem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new ApiProblem.FieldError(field, "must be a whole number from " + min + " to " + max));
        return fallback;
    }
}
