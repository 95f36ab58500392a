package io.redisbackup.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A real Apache Kafka broker in KRaft mode, in the test JVM. Declared with {@code scope = GLOBAL}, one broker
 * serves every test class of the JVM.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = new EmbeddedKafkaBroker()
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(properties -> {
                    properties.put("group.initial.rebalance.delay.ms", "0");
                    properties.put("auto.create.topics.enable", "true");
                })
                .start();
        return Map.of("kafka.bootstrap.servers", broker.getAdvertisedListeners());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
