package io.redisbackup.backupworker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import jakarta.inject.Inject;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
class SnapshotWarmUpAtStartTest {

    @Inject
    SnapshotWarmUp warmUp;

    @Test
    void theWorkerTakesItsWarmUpSnapshotAtStart() throws Exception {
        // the test profile takes one (backup-worker.warm-up-snapshots)
        assertEquals(SnapshotWarmUp.KEYS, warmUp.done().get(60, TimeUnit.SECONDS));
    }
}
