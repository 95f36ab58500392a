package io.redisbackup.apigateway.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.panache.common.Sort;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import io.redisbackup.backupstore.sealed.SealedBackupStore.Rewrap;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The platform's keys for backups at rest, as an admin sees them: which one seals new backups, and the rewrap that
 * moves every backup of the caller's projects to it after a rotation (only manifests are rewritten, never data).
 */
@ApplicationScoped
public class BackupKeyService {

    private static final Logger LOG = Logger.getLogger(BackupKeyService.class);

    /** What a rewrap did, backup by backup. */
    public record RewrapReport(String currentKeyId, Map<Rewrap, Integer> counts, List<Failure> failed) {
    }

    /** A backup whose data key could not be wrapped again, and why. */
    public record Failure(UUID backupId, UUID instanceId, String detail) {
    }

    private final SealedBackupStore store;
    private final Caller caller;

    public BackupKeyService(SealedBackupStore store, Caller caller) {
        this.store = store;
        this.caller = caller;
    }

    /** The id of the key that seals new backups; empty when backups are not encrypted. */
    public Optional<String> currentKeyId() {
        return store.currentKeyId();
    }

    /** Wraps the data key of every backup of the caller's projects with the current key. */
    public RewrapReport rewrapAll(String currentKeyId) {
        Map<Rewrap, Integer> counts = new EnumMap<>(Rewrap.class);
        for (Rewrap outcome : Rewrap.values()) {
            counts.put(outcome, 0);
        }
        List<Failure> failed = new ArrayList<>();
        for (Backup backup : Backup.<Backup>listAll(Sort.ascending("createdAt"))) {
            if (!caller.sees(backup.project)) {
                continue;
            }
            try {
                counts.merge(store.rewrap(backup.instanceId, backup.id), 1, Integer::sum);
            } catch (IOException e) {
                failed.add(new Failure(backup.id, backup.instanceId, e.getMessage()));
            }
        }
        LOG.infof("Backup keys rewrapped to '%s' by %s: %s, %d failed", currentKeyId, caller.principal(), counts,
                failed.size());
        return new RewrapReport(currentKeyId, counts, failed);
    }
}
