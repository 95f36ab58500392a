package io.redisbackup.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Reads and writes topics of the test broker the way any outside Kafka client would: plain strings. */
public final class TopicClient implements AutoCloseable {

    private final KafkaCompanion kafka;
    private final String bootstrapServers;

    public TopicClient() {
        this(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    public TopicClient(String bootstrapServers) {
        this.kafka = new KafkaCompanion(bootstrapServers);
        this.bootstrapServers = bootstrapServers;
    }

    /** Waits for {@code count} records keyed {@code key} on {@code topic}, from its beginning, and returns their values. */
    public List<String> await(String topic, String key, int count, Duration timeout) {
        return awaitRecords(topic, key, count, timeout).stream().map(ConsumerRecord::value).toList();
    }

    /** Waits for {@code count} records keyed {@code key} on {@code topic}, from its beginning, and returns them whole. */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic, String key, int count, Duration timeout) {
        ConsumerTask<String, String> task = kafka.consumeStrings().fromTopics(topic);
        try {
            return Awaitility.await().atMost(timeout).until(
                    () -> task.getRecords().stream().filter(r -> key.equals(r.key())).toList(),
                    records -> records.size() >= count);
        } finally {
            task.stop();
        }
    }

    /** Everything keyed {@code key} on {@code topic} so far: reads each partition up to its current end. */
    public List<String> readAll(String topic, String key) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        values.add(record.value());
                    }
                }
            }
            return values;
        }
    }

    public void send(String topic, String key, String value) {
        kafka.produceStrings().fromRecords(new ProducerRecord<>(topic, key, value)).awaitCompletion(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        kafka.close();
    }
}
