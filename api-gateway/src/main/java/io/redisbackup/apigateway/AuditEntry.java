package io.redisbackup.apigateway;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One request in the audit trail: who, what, about which instance or backup, the answer, from where, when. */
@Entity
@Table(name = "audit_entry")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    /** {@code token:<id>}, {@code oidc:<subject>} or {@code anonymous}. */
    public String actor;
    @Column(name = "actor_name")
    public String actorName;
    /** The operation: method and path template, e.g. {@code POST /api/v1/instances/{id}/recoveries}. */
    public String action;
    public String path;
    @Column(name = "instance_id")
    public UUID instanceId;
    @Column(name = "backup_id")
    public UUID backupId;
    public String project;
    /** The HTTP status answered. */
    public int outcome;
    @Column(name = "source_address")
    public String sourceAddress;
}
