package io.redisbackup.scheduler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.contracts.BackupEvent;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.contracts.BackupPolicyChanged;
import io.redisbackup.contracts.BackupScheduled;
import io.redisbackup.contracts.BackupType;
import io.redisbackup.contracts.BackupWorkerCommand;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.RedisEndpoint;
import io.redisbackup.contracts.SourceCare;
import io.redisbackup.contracts.ClusterSeeds;
import io.redisbackup.contracts.Message;
import io.redisbackup.contracts.TakeBackupCommand;
import io.redisbackup.contracts.TaskStatus;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.TimePeriod;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.Trigger;
import io.redisbackup.contracts.secret.SealedSecret;
import io.redisbackup.scheduler.service.BackupScheduler;
import io.redisbackup.testsupport.KafkaBrokerResource;
import io.redisbackup.testsupport.PostgresDatabaseResource;
import io.redisbackup.testsupport.TopicClient;
import jakarta.inject.Inject;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
class SchedulerTest {

    /** A Tuesday, 02:10 UTC. */
    static final Instant TUESDAY_0210 = Instant.parse("2026-11-24T02:10:00Z");
    /** The instance's care for its source, which its automatic backups carry. */
    static final SourceCare CARE = new SourceCare(8L << 30, 50L << 20);

    @Inject
    TestClock clock;
    @Inject
    BackupScheduler scheduler;

    TopicClient kafka;
    final UUID instance = UUID.randomUUID();

    @BeforeEach
    void connect() {
        kafka = new TopicClient();
        clock.set(Instant.parse("2026-11-23T12:00:00Z")); // nobody's period: a Monday noon
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void firesOneBackupOnAChosenDayInsideItsPeriodWhateverHowOftenItIsAsked() {
        publish(1, true, EnumSet.of(DayOfWeek.TUESDAY), "02:00-03:00");
        awaitCopy(1);

        clock.set(TUESDAY_0210);
        TakeBackupCommand command = (TakeBackupCommand) awaitCommands(1).get(0);
        assertEquals(BackupType.AUTOMATIC, command.backupType());
        assertEquals(Trigger.SCHEDULED, command.trigger());
        assertEquals(4242, command.endpoint().port());
        assertEquals(CARE, command.care());

        BackupEvent scheduled = MessageCodec.fromJson(
                kafka.await(Topics.BACKUP_EVENTS, instance.toString(), 1, Duration.ofSeconds(30)).get(0), BackupEvent.class);
        assertEquals(new BackupScheduled(1, scheduled.eventId(), command.taskId(), instance, scheduled.occurredAt(),
                command.backupId(), 9), scheduled);
        TaskStatusChanged pending = MessageCodec.fromJson(
                kafka.await(Topics.TASK_STATUS, instance.toString(), 1, Duration.ofSeconds(30)).get(0), TaskStatusChanged.class);
        assertEquals(TaskStatus.PENDING, pending.status());
        assertEquals(command.taskId(), pending.taskId());
        assertEquals("payments", pending.project(), "the task names its instance's project");

        clock.set(TUESDAY_0210.plus(Duration.ofMinutes(40)));
        // a second replica, or the scheduler after a restart, asks again in the same period
        assertEquals(0, scheduler.fireDueBackups(), "fired once a day");
        assertEquals(1, kafka.readAll(Topics.BACKUP_COMMANDS, instance.toString()).size());
    }

    @Test
    void aClustersAutomaticBackupNamesItsSeedNodesAndWhereToReadEachShard() {
        RedisEndpoint cluster = new RedisEndpoint("127.0.0.1", 7000, null, new SealedSecret("v1.sealed"), false,
                new ClusterSeeds(List.of("127.0.0.1:7000", "127.0.0.1:7001"),
                        ClusterSeeds.SnapshotSource.REPLICA_PREFERRED));
        publish(1, true, EnumSet.of(DayOfWeek.TUESDAY), "02:00-03:00", cluster);
        awaitCopy(1);

        clock.set(TUESDAY_0210);
        TakeBackupCommand command = (TakeBackupCommand) awaitCommands(1).get(0);
        assertEquals(cluster, command.endpoint());
        assertEquals(Message.CLUSTER_SCHEMA_VERSION, command.schemaVersion());
    }

    @Test
    void firesNothingOnADayThatIsNotChosen() {
        publish(1, true, EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY), "02:00-03:00");
        awaitCopy(1);
        clock.set(TUESDAY_0210);
        // what a tick decides at this time: the clock drives it, no waiting for the ticker
        assertEquals(0, scheduler.fireDueBackups(), "not a chosen day");
        assertEquals(0, kafka.readAll(Topics.BACKUP_COMMANDS, instance.toString()).size());
    }

    @Test
    void firesAgainOnTheNextChosenDayAndNotWhenDisabled() {
        publish(1, true, EnumSet.allOf(DayOfWeek.class), "02:00-03:00");
        awaitCopy(1);
        clock.set(TUESDAY_0210);
        awaitCommands(1);
        clock.set(TUESDAY_0210.plus(Duration.ofDays(1)));
        awaitCommands(2);

        publish(2, false, EnumSet.allOf(DayOfWeek.class), "02:00-03:00");
        awaitCopy(2);
        clock.set(TUESDAY_0210.plus(Duration.ofDays(2)));
        assertEquals(0, scheduler.fireDueBackups(), "disabled");
        assertEquals(2, kafka.readAll(Topics.BACKUP_COMMANDS, instance.toString()).size());
    }

    @Test
    void keepsTheNewestRevisionAndForgetsARemovedInstance() {
        publish(3, true, EnumSet.of(DayOfWeek.FRIDAY), "05:00-06:00");
        awaitCopy(3);
        publish(2, true, EnumSet.of(DayOfWeek.MONDAY), "01:00-02:00");
        publish(4, true, EnumSet.of(DayOfWeek.SUNDAY), "07:00-08:00");
        awaitCopy(4);
        assertEquals(7, copy().startHour, "revision 2 came late and was ignored; 4 counts");

        kafka.send(Topics.BACKUP_POLICIES, instance.toString(), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> copy() == null);
    }

    private void publish(long revision, boolean enabled, EnumSet<DayOfWeek> days, String period) {
        publish(revision, enabled, days, period, new RedisEndpoint("127.0.0.1", 4242, null,
                new SealedSecret("v1.sealed"), false));
    }

    private void publish(long revision, boolean enabled, EnumSet<DayOfWeek> days, String period,
            RedisEndpoint endpoint) {
        BackupPolicy policy = new BackupPolicy(enabled, days, TimePeriod.parse(period), ZoneId.of("UTC"), 9);
        kafka.send(Topics.BACKUP_POLICIES, instance.toString(),
                MessageCodec.toJson(BackupPolicyChanged.of(instance, revision, policy, endpoint, "payments", CARE, Instant.now())));
    }

    private ScheduledPolicy copy() {
        return QuarkusTransaction.requiringNew().call(() -> ScheduledPolicy.findById(instance));
    }

    private void awaitCopy(long revision) {
        await().atMost(Duration.ofSeconds(30)).until(() -> copy() != null && copy().revision == revision);
        assertNotNull(copy());
    }

    private List<BackupWorkerCommand> awaitCommands(int count) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(Topics.BACKUP_COMMANDS, instance.toString())
                .stream().map(json -> MessageCodec.fromJson(json, BackupWorkerCommand.class)).toList(),
                list -> list.size() >= count);
    }
}
