package io.redisbackup.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

class KafkaBrokerResourceTest {

    @Test
    void runsARealBrokerThatKeepsKeyedRecordsInOrder() {
        KafkaBrokerResource resource = new KafkaBrokerResource();
        Map<String, String> config = resource.start();
        try (KafkaCompanion kafka = new KafkaCompanion(config.get("kafka.bootstrap.servers"))) {
            kafka.produceStrings().fromRecords(
                    new ProducerRecord<>("probe", "instance-1", "first"),
                    new ProducerRecord<>("probe", "instance-1", "second")).awaitCompletion(Duration.ofSeconds(30));

            List<ConsumerRecord<String, String>> records = kafka.consumeStrings().fromTopics("probe", 2)
                    .awaitCompletion(Duration.ofSeconds(30)).getRecords();

            assertEquals(List.of("first", "second"), records.stream().map(ConsumerRecord::value).toList());
            assertEquals("instance-1", records.get(0).key());
        } finally {
            resource.stop();
        }
    }
}
