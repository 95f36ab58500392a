package io.redisbackup.apigateway.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.AuditEntry;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.AuditService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "Every change, download and refusal: who, what, which instance, the answer")
public class AuditResource {

    private final AuditService audit;

    public AuditResource(AuditService audit) {
        this.audit = audit;
    }

    /** One entry of the audit trail. */
    public record AuditView(long id, Instant occurredAt, String actor, String actorName, String action, String path,
            UUID instanceId, UUID backupId, String project, int outcome, String sourceAddress) {

        static AuditView of(AuditEntry entry) {
            return new AuditView(entry.id, entry.occurredAt, entry.actor, entry.actorName, entry.action, entry.path,
                    entry.instanceId, entry.backupId, entry.project, entry.outcome, entry.sourceAddress);
        }
    }

    /** A page of the audit trail, newest first. */
    public record AuditPage(List<AuditView> items, int page, int size, long total) {
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Read the audit trail, newest first", description = "Every request that changed something, "
            + "downloaded a backup, or was refused for authorization. An admin reads the entries of its projects.")
    public AuditPage list(@Parameter(description = "at or after, ISO-8601") @QueryParam("since") String since,
            @Parameter(description = "before, ISO-8601") @QueryParam("until") String until,
            @Parameter(description = "token:<id>, oidc:<subject> or anonymous") @QueryParam("actor") String actor,
            @QueryParam("project") String project,
            @Parameter(description = "from 0") @QueryParam("page") String page,
            @Parameter(description = "1 to 200, default 50") @QueryParam("size") String size) {
        AuditService.Page found = audit.find(since, until, actor, project, page, size);
        return new AuditPage(found.items().stream().map(AuditView::of).toList(), found.page(), found.size(),
                found.total());
    }
}
