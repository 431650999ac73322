package dev.freshet.ingest.broker;

import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.TransientException;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka's own start-up failures (the pre-checks catch most before Kafka starts). */
class StartFailuresTest {

    private static final Path DATA = Path.of("/data/kafka");

    @Test
    void kafkaFailingToBindTheClientPortSaysThePortIsInUse() {
        KafkaException failure = new KafkaException("Socket server failed to bind to 127.0.0.1:9092: Address already in use.",
                new BindException("Address already in use"));

        FreshetException e = StartFailures.fromKafka(9092, DATA, failure);

        assertThat(e).isInstanceOf(TransientException.class).hasCause(failure)
                .hasMessageStartingWith("cannot start the embedded Kafka broker: 127.0.0.1:9092 is in use");
    }

    @Test
    void kafkaFailingToBindTheControllerPortSaysToStartAgain() {
        KafkaException failure = new KafkaException("Socket server failed to bind to 127.0.0.1:40001: Address already in use.",
                new BindException("Address already in use"));

        FreshetException e = StartFailures.fromKafka(9092, DATA, failure);

        assertThat(e).isInstanceOf(TransientException.class)
                .hasMessageContaining("a free port it picked for its controller was taken while it started; start it again");
    }

    @Test
    void otherFailuresNameThePortTheDirectoryAndTheInnermostCause() {
        RuntimeException failure = new RuntimeException("startup failed", new IllegalStateException("disk full"));

        FreshetException e = StartFailures.fromKafka(9092, DATA, failure);

        assertThat(e).isExactlyInstanceOf(FreshetException.class)
                .hasMessage("cannot start the embedded Kafka broker on 127.0.0.1:9092 (data in /data/kafka): "
                        + "startup failed: disk full");
    }

    @Test
    void aWrappedMessageIsNotRepeated() {
        IllegalStateException root = new IllegalStateException("disk full");

        assertThat(StartFailures.describe(new RuntimeException(root))).isEqualTo("java.lang.IllegalStateException: disk full");
    }
}
