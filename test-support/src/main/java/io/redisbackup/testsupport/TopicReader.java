package io.redisbackup.testsupport;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Reads and writes topics of the test broker the way any outside Kafka client would: plain strings. */
public final class TopicReader implements AutoCloseable {

    private final KafkaCompanion kafka;

    public TopicReader() {
        this(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    public TopicReader(String bootstrapServers) {
        this.kafka = new KafkaCompanion(bootstrapServers);
    }

    /** Waits for {@code count} records keyed {@code key} on {@code topic}, from its beginning, and returns their values. */
    public List<String> await(String topic, String key, int count, Duration timeout) {
        ConsumerTask<String, String> task = kafka.consumeStrings().fromTopics(topic);
        try {
            return Awaitility.await().atMost(timeout).until(
                    () -> task.getRecords().stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::value).toList(),
                    values -> values.size() >= count);
        } finally {
            task.stop();
        }
    }

    /** Everything keyed {@code key} on {@code topic} so far: reads until the topic's current end. */
    public List<String> readAll(String topic, String key) {
        ConsumerTask<String, String> task = kafka.consumeStrings()
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(topic, Duration.ofSeconds(3));
        return task.awaitCompletion(Duration.ofSeconds(30)).getRecords().stream()
                .filter(r -> key.equals(r.key())).map(ConsumerRecord::value).toList();
    }

    public void send(String topic, String key, String value) {
        kafka.produceStrings().fromRecords(new ProducerRecord<>(topic, key, value)).awaitCompletion(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        kafka.close();
    }
}
