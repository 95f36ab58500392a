package io.redisbackup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A real Apache Kafka broker in KRaft mode, in the test JVM. Declared with {@code scope = GLOBAL}, one broker
 * serves every test class of the JVM. It can be stopped and started again on the same ports with the same data
 * ({@link #stopBroker}, {@link #restartBroker}), as an outage would. With {@code -Pcontainers}, a broker in a
 * container instead ({@link TestServers}), paused and resumed for an outage.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;
    /** The broker in a container, with -Pcontainers ({@link TestServers}); null otherwise. */
    private TestServers.Kafka container;
    private int[] ports;
    private Path logDir;
    private final String clusterId = Uuid.randomUuid().toString();

    @Override
    public Map<String, String> start() {
        if (TestServers.inContainers()) {
            container = TestServers.kafka();
            return Map.of("kafka.bootstrap.servers", container.start());
        }
        // ports chosen here, both bound at once: left to itself the broker once got the same port twice
        ports = twoFreePorts();
        try {
            logDir = Files.createTempDirectory("kafka-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker = newBroker().start();
        return Map.of("kafka.bootstrap.servers", broker.getAdvertisedListeners());
    }

    /** Stops the broker and keeps its data: clients see it gone until {@link #restartBroker}. */
    public synchronized void stopBroker() {
        if (container != null) {
            container.pause();
            return;
        }
        broker.close();
    }

    /** Starts the broker again on the same ports, with the topics and offsets it had. */
    public synchronized void restartBroker() {
        if (container != null) {
            container.resume();
            return;
        }
        broker = newBroker().start();
    }

    private EmbeddedKafkaBroker newBroker() {
        return new EmbeddedKafkaBroker()
                .withKafkaPort(ports[0])
                .withControllerPort(ports[1])
                .withClusterId(clusterId)
                .withDeleteLogDirsOnClose(false)
                .withAdditionalProperties(properties -> {
                    properties.put("log.dir", logDir.toString());
                    properties.put("group.initial.rebalance.delay.ms", "0");
                    properties.put("auto.create.topics.enable", "true");
                });
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
        if (container != null) {
            container.stop();
        }
        if (broker != null) {
            broker.close();
        }
        if (logDir != null) {
            try (Stream<Path> paths = Files.walk(logDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary folder: the machine cleans it some day
            }
        }
    }
}
