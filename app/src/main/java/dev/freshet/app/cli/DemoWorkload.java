package dev.freshet.app.cli;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.Source;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code freshet run --demo}: a synthetic workload, so that a new user sees features move within
 * seconds. For every source it writes raw JSON events to the source's topic, as a producer of theirs
 * would, a few dozen a second: the entity key is one of {@link #ENTITIES} ids ({@code u1}..., skewed so
 * that a few are busy), the timestamp is now, strings are drawn from a small vocabulary per field
 * ({@code item_id} → {@code item_1}...), numbers from a range that makes sums and averages readable.
 * Seeded, so two demo runs produce the same sequence. Its own thread; {@link #close()} stops it.
 */
final class DemoWorkload implements AutoCloseable {

    static final int ENTITIES = 100;
    static final int EVENTS_PER_SECOND = 40;

    private static final Logger log = LoggerFactory.getLogger(DemoWorkload.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Source> sources;
    private final Definitions definitions;
    private final Clock clock;
    private final SplittableRandom random = new SplittableRandom(42);
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;

    private DemoWorkload(String bootstrapServers, Definitions definitions, Clock clock) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "freshet-demo");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.definitions = definitions;
        this.sources = definitions.sources();
        this.clock = clock;
        this.thread = new Thread(this::run, "freshet-demo");
        this.thread.setDaemon(true);
    }

    static DemoWorkload start(String bootstrapServers, Definitions definitions, Clock clock) {
        DemoWorkload demo = new DemoWorkload(bootstrapServers, definitions, clock);
        demo.thread.start();
        return demo;
    }

    /** An entity id the demo writes (for the hint printed at start): the busiest one. */
    static String sampleEntity() {
        return "u1";
    }

    long sent() {
        return sent.get();
    }

    private void run() {
        long pauseNanos = 1_000_000_000L / EVENTS_PER_SECOND;
        long next = System.nanoTime();
        try {
            while (!closing) {
                for (Source source : sources) {
                    producer.send(new ProducerRecord<>(source.topic(), event(source)), (m, e) -> {
                        if (e != null && !closing) {
                            log.warn("the demo workload could not send an event: {}", e.toString());
                        }
                    });
                    sent.incrementAndGet();
                }
                next += pauseNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closing) {
                log.warn("the demo workload stopped: {}", e.toString());
            }
        }
    }

    /** One raw event of a source, as JSON. */
    byte[] event(Source source) {
        Optional<Entity> entity = definitions.keyEntityOf(source);
        String joinKey = entity.map(Entity::joinKey).orElse(null);
        List<String> parts = new ArrayList<>();
        for (Field f : source.schema().fields()) {
            String value;
            if (f.name().equals(source.timestampField())) {
                value = Long.toString(clock.millis());
            } else if (f.name().equals(joinKey)) {
                int id = skewed(ENTITIES);
                value = f.type() == dev.freshet.core.definition.FieldType.STRING ? quoted("u" + id) : Integer.toString(id);
            } else {
                value = switch (f.type()) {
                    case STRING -> quoted(vocabulary(f.name()) + "_" + (1 + random.nextInt(20)));
                    case LONG -> Long.toString(random.nextInt(10));
                    case DOUBLE -> String.format(Locale.ROOT, "%.2f", 1 + random.nextDouble() * 99);
                    case BOOLEAN -> Boolean.toString(random.nextBoolean());
                    case TIMESTAMP -> Long.toString(clock.millis() - random.nextInt(60_000));
                };
            }
            parts.add(quoted(f.name()) + ": " + value);
        }
        return ("{" + String.join(", ", parts) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** 1..n, the small ids far more often (roughly Zipf-like): a few busy entities and a long tail. */
    private int skewed(int n) {
        double u = random.nextDouble();
        return 1 + (int) Math.floor(Math.pow(n, u) - 1) % n;
    }

    /** {@code item_id} → {@code item}: the value prefix of a string field. */
    private static String vocabulary(String field) {
        return field.endsWith("_id") ? field.substring(0, field.length() - 3) : field;
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
