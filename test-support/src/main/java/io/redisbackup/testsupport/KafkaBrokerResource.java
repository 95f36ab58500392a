package io.redisbackup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
        int[] ports = twoFreePorts();
        broker = new EmbeddedKafkaBroker()
                // ports chosen here, both bound at once: left to itself the broker once got the same port twice
                .withKafkaPort(ports[0])
                .withControllerPort(ports[1])
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(properties -> {
                    properties.put("group.initial.rebalance.delay.ms", "0");
                    properties.put("auto.create.topics.enable", "true");
                })
                .start();
        return Map.of("kafka.bootstrap.servers", broker.getAdvertisedListeners());
    }

    private static int[] twoFreePorts() {
        try (ServerSocket first = new ServerSocket(0); ServerSocket second = new ServerSocket(0)) {
            return new int[] { first.getLocalPort(), second.getLocalPort() };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
