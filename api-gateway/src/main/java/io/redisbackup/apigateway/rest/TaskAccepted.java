package io.redisbackup.apigateway.rest;

import java.net.URI;
import java.util.UUID;

import jakarta.ws.rs.core.Response;

/** The answer to an asynchronous request: the task that will carry it out, to follow in the task center. */
public record TaskAccepted(UUID taskId, UUID backupId) {

    Response asResponse() {
        return Response.accepted(this).location(URI.create("/api/v1/tasks/" + taskId)).build();
    }
}
