package dev.freshet.ingest.broker;

import dev.freshet.ingest.testing.TestProducer;
import dev.freshet.ingest.testing.TopicReader;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka Streams with exactly_once_v2 and a state store (changelog topic) runs on the embedded
 * broker: what the features module needs from it.
 */
class ExactlyOnceStreamsTest {

    @Test
    void aStatefulExactlyOnceTopologyRuns(@TempDir Path dir) {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            String bootstrap = kafka.bootstrapServers();
            try (TopicAdmin topics = TopicAdmin.connect(bootstrap)) {
                topics.ensure(List.of(new TopicSpec("words", 2, OptionalInt.of(1), Map.of(), "input"),
                        new TopicSpec("counts", 2, OptionalInt.of(1), Map.of(), "output")));
            }
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                    .groupByKey()
                    .count(Materialized.as("counts-store"))
                    .toStream()
                    .to("counts", Produced.with(Serdes.String(), Serdes.Long()));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "freshet-eos-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);

            try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
                streams.start();
                TestProducer.send(bootstrap, List.of(
                        TestProducer.record("words", "a", "x"),
                        TestProducer.record("words", "b", "x"),
                        TestProducer.record("words", "a", "x")));

                List<ConsumerRecord<byte[], byte[]>> counts =
                        TopicReader.readAtLeast(bootstrap, "counts", 3, Duration.ofSeconds(60));

                assertThat(counts).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + "="
                        + ByteBuffer.wrap(r.value()).getLong())
                        .containsExactlyInAnyOrder("a=1", "b=1", "a=2");
                streams.close(Duration.ofSeconds(10));
            }
        }
    }
}
