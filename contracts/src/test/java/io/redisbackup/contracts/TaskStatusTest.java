package io.redisbackup.contracts;

import static io.redisbackup.contracts.TaskStatus.DELAYED;
import static io.redisbackup.contracts.TaskStatus.FAILED;
import static io.redisbackup.contracts.TaskStatus.PENDING;
import static io.redisbackup.contracts.TaskStatus.RUNNING;
import static io.redisbackup.contracts.TaskStatus.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskStatusTest {

    @Test
    void movesForwardFromPendingThroughRunningToAnEnd() {
        assertTrue(PENDING.canTransitionTo(RUNNING));
        assertTrue(PENDING.canTransitionTo(DELAYED));
        assertTrue(DELAYED.canTransitionTo(RUNNING));
        assertTrue(RUNNING.canTransitionTo(SUCCEEDED));
        assertTrue(RUNNING.canTransitionTo(FAILED));
    }

    @Test
    void reportsProgressWithoutChangingStatus() {
        assertTrue(RUNNING.canTransitionTo(RUNNING));
        assertTrue(DELAYED.canTransitionTo(DELAYED));
        assertFalse(PENDING.canTransitionTo(PENDING));
    }

    @Test
    void neverGoesBackToPendingNorSucceedsWithoutRunning() {
        for (TaskStatus status : TaskStatus.values()) {
            assertFalse(status.canTransitionTo(PENDING), status + " -> PENDING");
        }
        assertFalse(PENDING.canTransitionTo(SUCCEEDED));
        assertFalse(DELAYED.canTransitionTo(SUCCEEDED));
    }

    @ParameterizedTest
    @EnumSource(names = { "SUCCEEDED", "FAILED" })
    void aFinishedTaskStaysFinished(TaskStatus finished) {
        assertTrue(finished.isTerminal());
        for (TaskStatus next : TaskStatus.values()) {
            assertFalse(finished.canTransitionTo(next), finished + " -> " + next);
        }
    }
}
