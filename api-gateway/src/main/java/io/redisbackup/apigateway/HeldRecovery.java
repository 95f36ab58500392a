package io.redisbackup.apigateway;

import java.time.Instant;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A whole-instance recovery accepted and held until its safety backup (the target as it is now) has succeeded: its
 * command, as it will be sent.
 */
@Entity
@Table(name = "held_recovery")
public class HeldRecovery extends PanacheEntityBase {

    @Id
    @Column(name = "task_id")
    public UUID taskId;
    @Column(name = "instance_id")
    public UUID instanceId;
    @Column(name = "safety_backup_id")
    public UUID safetyBackupId;
    public String project;
    /** The RecoverInstanceCommand, as JSON. */
    public String command;
    @Column(name = "held_at")
    public Instant heldAt;

    public static HeldRecovery ofSafetyBackup(UUID backupId) {
        return find("safetyBackupId", backupId).firstResult();
    }
}
