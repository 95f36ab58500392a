package io.redisbackup.taskcenter.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.redisbackup.restproblems.ApiProblem;
import io.redisbackup.taskcenter.config.TaskCenterConfig;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * The task center answers the platform's services only: every API request carries the service credential
 * ({@code Authorization: Bearer <task-center.service-token>}), else 401. Health, metrics and OpenAPI under
 * {@code /q} are not API requests and stay open.
 */
public class ServiceCredentialFilter {

    private final byte[] expected;

    public ServiceCredentialFilter(TaskCenterConfig config) {
        this.expected = ("Bearer " + config.serviceToken()).getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter
    public void requireServiceCredential(ContainerRequestContext request) {
        String given = request.getHeaderString("Authorization");
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiProblem(401, "UNAUTHORIZED", "Unauthorized",
                    "The task center answers the platform's services only; this request has no valid service credential.",
                    List.of(), Map.of("WWW-Authenticate", "Bearer"));
        }
    }
}
