package io.redisbackup.apigateway;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.secret.SealBinding;
import io.redisbackup.contracts.secret.SealedSecret;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Redis server registered for backup. */
@Entity
@Table(name = "instance")
public class Instance extends PanacheEntityBase {

    @Id
    public UUID id;
    public String name;
    /** The project it belongs to: only callers of that project see it, its backups and its tasks. */
    public String project;
    public String host;
    public int port;
    public String username;
    /** The password as {@code SecretCipher} sealed it. */
    @Column(name = "password_sealed")
    public String passwordSealed;
    public boolean tls;
    @Column(name = "redis_version")
    public String redisVersion;
    @Enumerated(EnumType.STRING)
    public InstanceStatus status;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** The recovery accepted for this instance and not yet ended, if any. */
    @Column(name = "active_recovery_task_id")
    public UUID activeRecoveryTaskId;

    /** Where the workers connect, with the password sealed. */
    public RedisEndpoint endpoint() {
        return new RedisEndpoint(host, port, username, new SealedSecret(passwordSealed), tls);
    }

    /** What the password's seal is bound to: this instance at its endpoint. */
    public SealBinding binding() {
        return new SealBinding(id, host, port, username, tls);
    }

    public SealedSecret sealedPassword() {
        return new SealedSecret(passwordSealed);
    }
}
