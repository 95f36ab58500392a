package io.redisbackup.restoreworker.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.redisbackup.backupstore.BackupStore;
import io.redisbackup.backupstore.Manifest;
import io.redisbackup.contracts.InstanceStatus;
import io.redisbackup.contracts.Progress;
import io.redisbackup.contracts.RecoverInstanceCommand;
import io.redisbackup.restoreworker.config.RestoreWorkerConfig;
import io.redisbackup.restoreworker.recovery.BackupVerifier;
import io.redisbackup.restoreworker.recovery.InstanceLoader;
import io.redisbackup.restoreworker.recovery.LocalCopies;
import io.redisbackup.restoreworker.recovery.RecoveryFailure;
import io.redisbackup.taskexecution.Attempt;
import io.redisbackup.restoreworker.recovery.KeyRouting;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recovers a whole instance: the backup is read end to end and checked ({@link BackupVerifier}) before anything
 * else; then, under the lease, the instance shows {@code Recovering Backup by Backup ID} while it is emptied
 * and loaded ({@link InstanceLoader}). A failure says how many keys were loaded before it. The log says how long
 * the check, the wait for the target's own check and the load took.
 */
@ApplicationScoped
public class InstanceRecovery {

    private static final Logger LOG = Logger.getLogger(InstanceRecovery.class);

    private final BackupStore store;
    private final BackupVerifier verifier;
    private final InstanceLoader loader;
    private final RestoreWorkerConfig config;

    public InstanceRecovery(BackupStore store, BackupVerifier verifier, InstanceLoader loader,
            RestoreWorkerConfig config) {
        this.store = store;
        this.verifier = verifier;
        this.loader = loader;
        this.config = config;
    }

    /**
     * The recovery to run once the lease is held: it reads the whole backup to check it, the task {@code RUNNING} and
     * telling how far it has read, while the target is checked beside it; then, and only then, it replaces the
     * instance's dataset.
     */
    Recovery prepare(RecoverInstanceCommand command, Manifest manifest) {
        return (target, reporting) -> replaceDataset(command, manifest, target, reporting);
    }

    private RecoveryResult replaceDataset(RecoverInstanceCommand command, Manifest manifest, Recovery.Target checked,
            Recovery.Reporting reporting) throws RecoveryFailure {
        try (LocalCopies copies = LocalCopies.of(store, manifest,
                Path.of(config.copyDirectory().orElse(System.getProperty("java.io.tmpdir"))))) {
            return replaceDataset(command, manifest, checked, reporting, copies);
        }
    }

    private RecoveryResult replaceDataset(RecoverInstanceCommand command, Manifest manifest, Recovery.Target checked,
            Recovery.Reporting reporting, LocalCopies copies) throws RecoveryFailure {
        String checking = "reading the whole backup to check it before the instance changes";
        reporting.task().progress(Progress.ofBytes(0, manifest.rdbBytes()), checking);
        long started = System.nanoTime();
        verifier.verify(manifest, read -> {
            reporting.attempt().ensureHeld();
            reporting.task().progress(Progress.ofBytes(read, manifest.rdbBytes()), checking, config.progressInterval());
        }, copies);
        long verified = System.nanoTime();
        KeyRouting target = checked.checked();
        if (target.cluster()) {
            List<Integer> others = manifest.keysPerDatabase().entrySet().stream()
                    .filter(e -> e.getKey() != 0 && e.getValue() > 0).map(Map.Entry::getKey).sorted().toList();
            if (!others.isEmpty()) {
                throw new RecoveryFailure(RecoveryFailure.LOAD_FAILED, "The backup holds keys in databases " + others
                        + ", and a cluster has database 0 only. Nothing was changed on the instance.");
            }
        }
        Attempt attempt = reporting.attempt();
        long changing = System.nanoTime();
        attempt.changingTarget();
        reporting.instanceStatus().accept(InstanceStatus.RECOVERING_BY_BACKUP_ID);
        reporting.task().progress(Progress.ofKeys(0, manifest.keyCount()), "emptying the instance and loading "
                + manifest.keyCount() + " keys");
        long[] loaded = { 0 };
        try {
            List<InstanceLoader.RdbFile> rdbs = manifest.rdbFiles().stream().map(copies::rdbFile).toList();
            InstanceLoader.Loaded done = loader.replaceAll(rdbs, manifest.rdbBytes(), target,
                    config.targetTimeout(), keys -> {
                        loaded[0] = keys;
                        attempt.ensureHeld();
                        reporting.task().progress(Progress.ofKeys(keys, manifest.keyCount()), "loading keys",
                                config.progressInterval());
                    });
            LOG.infof("Instance %s recovered from backup %s: %d keys, %d expired left out; the backup checked in %d "
                    + "ms%s, the target in %d ms more, loaded in %d ms", command.instanceId(), command.backupId(),
                    done.restored(), done.expired(), (verified - started) / 1_000_000,
                    copies.copying() ? " (and copied to this machine)" : "", (changing - verified) / 1_000_000,
                    (System.nanoTime() - changing) / 1_000_000);
            return new RecoveryResult.InstanceRecovered(command.backupId(), manifest.keyCount(), done,
                    command.safetyBackupId());
        } catch (RecoveryFailure failure) {
            Attempt.rethrowIfFenced(failure);
            throw new RecoveryFailure(failure.code(), "The instance was emptied and " + loaded[0] + " of "
                    + manifest.keyCount() + " keys were loaded before the recovery stopped: " + failure.getMessage(),
                    failure);
        }
    }
}
