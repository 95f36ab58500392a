package io.redisbackup.apigateway.messaging;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.redisbackup.contracts.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Makes sure backup-policies is a compacted topic before anything is sent to it: a broker that creates topics on
 * first use would otherwise make it one that forgets old policies after a week.
 */
@ApplicationScoped
public class CompactedTopics {

    private static final Logger LOG = Logger.getLogger(CompactedTopics.class);

    /** @param kafka every {@code kafka.*} setting (bootstrap servers, and SASL/TLS where set), as the channels get them */
    void onStart(@Observes StartupEvent event, @Identifier("default-kafka-broker") Map<String, Object> kafka)
            throws InterruptedException {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        try (Admin admin = Admin.create(settings)) {
            ensureCompacted(admin, List.of(Topics.BACKUP_POLICIES));
        } catch (ExecutionException e) {
            // the broker is not there yet: readiness says so; the topic is checked again at the next start
            LOG.warnf("Could not make sure %s is compacted: %s", Topics.BACKUP_POLICIES, e.getCause().getMessage());
        }
    }

    private static void ensureCompacted(Admin admin, Collection<String> topics)
            throws InterruptedException, ExecutionException {
        for (String topic : topics) {
            try {
                await(admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all());
                LOG.infof("Created the compacted topic %s", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                await(admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                        AlterConfigOp.OpType.SET)))).all());
            }
        }
    }

    private static void await(KafkaFuture<Void> future) throws InterruptedException, ExecutionException {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new ExecutionException(e);
        }
    }
}
