package io.redisbackup.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Tells when a task has ended by reading the {@code task-status} topic, as the task center does: a fetch waits at
 * the broker until a record arrives, so waiting costs the machine nothing. Asking the API every 20 ms instead cost
 * the gateway about 2.5 ms of CPU per request, a quarter of a core taken from the worker being timed. The
 * benchmark still takes the end of a task from the API (see {@link Api}): this only says when to look.
 */
final class TaskEvents implements AutoCloseable {

    private static final String TOPIC = "task-status";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    /** The tasks seen ending, and how. */
    private final Map<String, String> ended = new HashMap<>();

    TaskEvents(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(config);
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // the tasks that end from now on
    }

    /** Waits for the task's SUCCEEDED or FAILED; its status. Call it before or after the task ends. */
    String awaitEnd(String taskId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended.containsKey(taskId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Task " + taskId + " did not end within " + timeout);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                JsonNode event = parse(record.value());
                String status = event.path("status").asText("");
                if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                    ended.put(event.path("taskId").asText(), status);
                }
            }
        }
        return ended.get(taskId);
    }

    private static JsonNode parse(String value) {
        try {
            return JSON.readTree(value);
        } catch (Exception notJson) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
