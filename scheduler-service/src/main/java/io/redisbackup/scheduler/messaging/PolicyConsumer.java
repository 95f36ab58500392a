package io.redisbackup.scheduler.messaging;

import java.time.Clock;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.redisbackup.contracts.BackupPolicyChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.scheduler.ScheduledPolicy;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Keeps the scheduler's copy of the policies: a newer revision replaces the copy, an older one is ignored, and a
 * tombstone (a record with no value) removes it.
 */
@ApplicationScoped
public class PolicyConsumer {

    private static final Logger LOG = Logger.getLogger(PolicyConsumer.class);

    private final Clock clock;

    public PolicyConsumer(Clock clock) {
        this.clock = clock;
    }

    @Incoming("backup-policies")
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            if (ScheduledPolicy.deleteById(UUID.fromString(record.key()))) {
                LOG.infof("Instance %s was removed: no more automatic backups for it", record.key());
            }
            return;
        }
        BackupPolicyChanged changed = MessageCodec.fromJson(record.value(), BackupPolicyChanged.class);
        ScheduledPolicy copy = ScheduledPolicy.findById(changed.instanceId());
        if (copy != null && copy.revision >= changed.revision()) {
            return;
        }
        if (copy == null) {
            copy = new ScheduledPolicy();
            copy.instanceId = changed.instanceId();
            copy.set(changed, clock.instant());
            copy.persist();
        } else {
            copy.set(changed, clock.instant());
        }
        LOG.infof("Backup policy of instance %s, revision %d: %s", changed.instanceId(), changed.revision(),
                changed.policy().enabled() ? changed.policy().weekdays() + " " + changed.policy().timePeriod() + " "
                        + changed.policy().timezone() : "disabled");
    }
}
