package io.redisbackup.apigateway.service;

import java.time.Instant;
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
import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.restproblems.QueryParameters;
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
        Instant from = QueryParameters.instant(since, "since", errors);
        Instant to = QueryParameters.instant(until, "until", errors);
        int pageNumber = QueryParameters.bounded(page, "page", 0, MAX_PAGE, 0, errors);
        int pageSize = QueryParameters.bounded(size, "size", 1, MAX_SIZE, 50, errors);
        QueryParameters.refuseIfAny(errors);
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
}
