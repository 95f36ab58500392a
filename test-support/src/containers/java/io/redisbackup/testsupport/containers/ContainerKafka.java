package io.redisbackup.testsupport.containers;

import org.testcontainers.kafka.KafkaContainer;

import io.redisbackup.testsupport.TestServers;

/** Kafka in KRaft mode, in a container (apache/kafka, the version the services are built against). */
public final class ContainerKafka implements TestServers.Kafka {

    private final KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
            .withEnv("KAFKA_NUM_PARTITIONS", "24")
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");

    @Override
    public String start() {
        container.start();
        return container.getBootstrapServers();
    }

    /** An outage on the same address: the container is paused, its ports stay mapped. */
    @Override
    public void pause() {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void stop() {
        container.stop();
    }
}
