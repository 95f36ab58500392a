package io.redisbackup.restoreworker.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.redisbackup.contracts.KeyList;
import io.redisbackup.contracts.Progress;
import io.redisbackup.restoreworker.recovery.InstanceLoader;

/** What a recovery did: the task's last progress and its result, by mode. */
public sealed interface RecoveryResult {

    /** The most keys a result lists by name in each of its lists: it travels in one event. */
    int LISTED = 1000;

    Progress progress();

    /** The task's result, as the task center shows it. */
    Map<String, Object> toMap();

    /**
     * A whole instance replaced by a backup's dataset; {@code safetyBackupId}, the backup of the instance as it was
     * just before, or null.
     */
    record InstanceRecovered(UUID backupId, long keyCount, InstanceLoader.Loaded loaded, UUID safetyBackupId)
            implements RecoveryResult {

        @Override
        public Progress progress() {
            return Progress.ofKeys(keyCount, keyCount);
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("backupId", backupId.toString());
            result.put("keysRestored", loaded.restored());
            result.put("keysExpired", loaded.expired());
            result.put("functionLibraries", loaded.functions());
            if (safetyBackupId != null) {
                result.put("safetyBackupId", safetyBackupId.toString());
            }
            return result;
        }
    }

    /**
     * Chosen keys rewritten from a backup; {@code notRestored} is null unless the recovery stopped part-way. Keys
     * are shown as people type them ({@link KeyList#format}), so that a list can be pasted into the next request;
     * each list names at most {@value #LISTED} keys (a pattern may select many more), the counts cover them all.
     */
    record KeysRecovered(UUID backupId, int found, List<byte[]> restored, List<byte[]> notInBackup,
            List<byte[]> expired, List<byte[]> notRestored) implements RecoveryResult {

        @Override
        public Progress progress() {
            return Progress.ofKeys(restored.size(), found);
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("backupId", backupId.toString());
            result.put("keysRestored", restored.size());
            result.put("keysNotInBackup", notInBackup.size());
            result.put("keysExpired", expired.size());
            result.put("restored", formatted(restored));
            result.put("notInBackup", formatted(notInBackup));
            result.put("expired", formatted(expired));
            if (notRestored != null) {
                result.put("keysNotRestored", notRestored.size());
                result.put("notRestored", formatted(notRestored));
            }
            if (restored.size() > LISTED || notInBackup.size() > LISTED || expired.size() > LISTED
                    || notRestored != null && notRestored.size() > LISTED) {
                result.put("listsCutAt", LISTED);
            }
            return result;
        }

        private static List<String> formatted(List<byte[]> keys) {
            return keys.stream().limit(LISTED).map(KeyList::format).toList();
        }
    }
}
