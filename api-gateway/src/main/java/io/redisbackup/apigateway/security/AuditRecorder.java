package io.redisbackup.apigateway.security;

import java.time.Clock;
import java.util.Optional;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.redisbackup.apigateway.AuditEntry;
import io.redisbackup.apigateway.service.AuditService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

/**
 * Puts into the audit trail every API request that changes something (any method but GET), downloads a backup, or
 * is refused for authorization (401, 403, 429): who, what, about which instance and backup, the answer, from where.
 * One place, after the answer is known, so no resource method has to remember it.
 */
@Singleton
public class AuditRecorder {

    private final AuditService audit;
    private final Caller caller;
    private final Clock clock;

    public AuditRecorder(AuditService audit, Caller caller, Clock clock) {
        this.audit = audit;
        this.caller = caller;
        this.clock = clock;
    }

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, SimpleResourceInfo method,
            HttpServerRequest http) {
        String path = request.getUriInfo().getPath();
        int status = response.getStatus();
        boolean refused = status == 401 || status == 403 || status == 429;
        if (!path.startsWith("/api/") || !(refused || !request.getMethod().equals("GET") || path.endsWith("/rdb"))) {
            return;
        }
        AuditEntry entry = new AuditEntry();
        entry.occurredAt = clock.instant();
        entry.path = path;
        String action = request.getMethod() + " " + template(method).orElse(path);
        entry.action = action.length() > 200 ? action.substring(0, 200) : action;
        entry.outcome = status;
        entry.sourceAddress = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        // what the path names, for a request refused before anything was looked up
        String id = request.getUriInfo().getPathParameters().getFirst("id");
        entry.instanceId = path.startsWith("/api/v1/instances/") ? uuid(id) : null;
        entry.backupId = path.startsWith("/api/v1/backups/") ? uuid(id) : null;
        if (status == 401 || status == 429) {
            // who it is was not established: never ask again (that would authenticate once more), never keep a token
            entry.actor = request.getHeaderString("Authorization") == null ? "anonymous" : "unauthenticated";
        } else {
            entry.actor = caller.principal();
            entry.actorName = caller.actorName();
            entry.instanceId = caller.aboutInstance() != null ? caller.aboutInstance() : entry.instanceId;
            entry.backupId = caller.aboutBackup() != null ? caller.aboutBackup() : entry.backupId;
            entry.project = caller.aboutProject();
            if (caller.actionNote() != null) {
                String noted = entry.action + " (" + caller.actionNote() + ")";
                entry.action = noted.length() > 200 ? noted.substring(0, 200) : noted;
            }
        }
        audit.recordOffTheEventLoop(entry);
    }

    private static java.util.UUID uuid(String text) {
        try {
            return text == null ? null : java.util.UUID.fromString(text);
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }

    /** The operation's path template, e.g. {@code /api/v1/instances/{id}/recoveries}. */
    static Optional<String> template(SimpleResourceInfo info) {
        return ResourceMethods.of(info).map(method -> {
            Path onClass = info.getResourceClass().getAnnotation(Path.class);
            Path onMethod = method.getAnnotation(Path.class);
            return (onClass == null ? "" : onClass.value()) + (onMethod == null ? "" : onMethod.value());
        });
    }
}
