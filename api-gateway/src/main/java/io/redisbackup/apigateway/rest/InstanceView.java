package io.redisbackup.apigateway.rest;

import java.time.Instant;
import java.util.UUID;

import io.redisbackup.apigateway.Instance;

/** An instance as the API shows it: everything but the password; its status by display name. */
public record InstanceView(UUID id, String name, String project, String host, int port, String username, boolean tls,
        String redisVersion, String status, Instant createdAt, Instant updatedAt, Long memoryLimitBytes,
        Long backupMaxBytesPerSecond) {

    public static InstanceView of(Instance instance) {
        return new InstanceView(instance.id, instance.name, instance.project, instance.host, instance.port, instance.username,
                instance.tls, instance.redisVersion, instance.status.displayName(), instance.createdAt, instance.updatedAt,
                instance.memoryLimitBytes, instance.backupMaxBytesPerSecond);
    }
}
