package io.redisbackup.apigateway.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.panache.common.Sort;
import io.quarkus.scheduler.Scheduled;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.BackupStatus;
import io.redisbackup.apigateway.Drill;
import io.redisbackup.apigateway.InstanceBackupPolicy;
import io.redisbackup.apigateway.RetentionCounts;
import io.redisbackup.contracts.BackupType;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deletes expired backups, data and catalogue entry, each by a DELETE_BACKUP task. An automatic backup past its days
 * stays while its policy's count rules keep it ({@link RetentionCounts}: the newest few, and the newest of each
 * recent day, week and month). The newest good backup of an instance whose automatic backups are still enabled is
 * kept whatever its age: retention alone never leaves such an instance without a backup.
 */
@ApplicationScoped
public class RetentionService {

    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    /** How long the gateway remembers a task it accepted: by then the task center has long heard of it. */
    private static final java.time.Duration ACCEPTED_TASKS_KEPT = java.time.Duration.ofDays(30);

    private final BackupService backups;
    private final TaskAcceptance acceptance;
    private final Clock clock;

    public RetentionService(BackupService backups, TaskAcceptance acceptance, Clock clock) {
        this.backups = backups;
        this.acceptance = acceptance;
        this.clock = clock;
    }

    @Scheduled(every = "${gateway.retention-interval:1m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        deleteExpired();
        drillWeekly();
        acceptance.forgetAcceptedBefore(clock.instant().minus(ACCEPTED_TASKS_KEPT));
    }

    /** Asks for the deletion of every expired backup that may go; returns how many. */
    public int deleteExpired() {
        List<Backup> expired = Backup.list("status = ?1 and expiresAt < ?2", Sort.ascending("expiresAt"),
                BackupStatus.SUCCEEDED, clock.instant());
        int deleted = 0;
        Map<UUID, Set<UUID>> keptByCounts = new HashMap<>();
        for (Backup backup : expired) {
            if (isNewestGoodOfAScheduledInstance(backup) || backup.type == BackupType.AUTOMATIC
                    && keptByCounts.computeIfAbsent(backup.instanceId, RetentionService::keptByCounts)
                            .contains(backup.id)) {
                continue;
            }
            try {
                if (backups.expire(backup.id) == null) {
                    continue;
                }
                deleted++;
                LOG.infof("Backup %s of instance %s expired at %s; deleting it", backup.id, backup.instanceId,
                        backup.expiresAt);
            } catch (RuntimeException e) {
                LOG.warnf("Expired backup %s was not deleted now (%s); next sweep", backup.id, e.getMessage());
            }
        }
        return deleted;
    }

    /**
     * For every instance whose policy asks for weekly drills: a drill of its newest good backup, unless one of its
     * backups passed a drill, or had one asked for, in the last 7 days. Returns how many were asked for.
     */
    public int drillWeekly() {
        Instant weekAgo = clock.instant().minus(Duration.ofDays(7));
        int asked = 0;
        for (InstanceBackupPolicy policy : InstanceBackupPolicy.<InstanceBackupPolicy>list("drill", Drill.WEEKLY)) {
            long recent = Backup.count("instanceId = ?1 and (verifiedAt > ?2 and verification = 'PASSED' "
                    + "or verifyRequestedAt > ?2)", policy.instanceId, weekAgo);
            if (recent == 0 && backups.drillNewest(policy.instanceId)) {
                asked++;
            }
        }
        return asked;
    }

    /** The automatic backups of the instance that its policy's count rules keep. */
    private static Set<UUID> keptByCounts(UUID instanceId) {
        InstanceBackupPolicy policy = InstanceBackupPolicy.findById(instanceId);
        if (policy == null || !policy.counts().any()) {
            return Set.of();
        }
        List<RetentionCounts.Dated> automatic = Backup.<Backup>list("instanceId = ?1 and type = ?2 and status = ?3",
                instanceId, BackupType.AUTOMATIC, BackupStatus.SUCCEEDED).stream()
                .map(backup -> new RetentionCounts.Dated(backup.id, backup.finishedAt)).toList();
        return policy.counts().kept(automatic, ZoneId.of(policy.timezone));
    }

    private static boolean isNewestGoodOfAScheduledInstance(Backup backup) {
        InstanceBackupPolicy policy = InstanceBackupPolicy.findById(backup.instanceId);
        if (policy == null || !policy.enabled) {
            return false;
        }
        Backup newest = Backup.find("instanceId = ?1 and status = ?2", Sort.descending("finishedAt").and("id"),
                backup.instanceId, BackupStatus.SUCCEEDED).firstResult();
        return newest != null && newest.id.equals(backup.id);
    }

}
