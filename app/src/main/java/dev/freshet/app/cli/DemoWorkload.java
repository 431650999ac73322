package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.Source;
import dev.freshet.core.feature.FeatureRef;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * {@code freshet run --demo}: a synthetic workload, so that a new user sees features move within
 * seconds. For every source it writes raw JSON events to the source's topic, as a producer of theirs
 * would, a few dozen a second: the entity key is one of {@link #ENTITIES} ids ({@code u1}..., skewed so
 * that a few are busy), the timestamp is now, strings are drawn from a small vocabulary per field
 * ({@code item_id} → {@code item_1}...), numbers from a range that makes sums and averages readable.
 *
 * <p>With models and bandits it also plays their clients, so that they visibly learn: as often, it asks
 * each model for a prediction ({@code POST /predict}) and each bandit for a decision ({@code POST /decide})
 * for a user, with a context drawn the same way, and answers some of them with a label or a reward event
 * on the model's label source or the bandit's reward source (which get no random events). A hidden rule
 * decides which: a prediction is labelled positive more often when its first context value (else its
 * user) has a small number ({@link #positiveRate}), and a bandit's second action is rewarded more often
 * than the others ({@link #rewardRate}). Predictions and decisions without one take their default after
 * the window, as on a real site.
 *
 * <p>Seeded, so two demo runs produce the same sequence of events. Its own thread; {@link #close()} stops it.
 */
final class DemoWorkload implements AutoCloseable {

    static final int ENTITIES = 100;
    static final int EVENTS_PER_SECOND = 40;
    /** Context values and item-like strings are numbered 1 to this. */
    private static final int VOCABULARY = 20;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(DemoWorkload.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final KafkaProducer<byte[], byte[]> producer;
    /** The sources that get random events: all but the models' label sources and the bandits' reward sources. */
    private final List<Source> sources;
    private final Definitions definitions;
    private final List<ModelDefinition> models;
    private final List<BanditDefinition> bandits;
    private final String apiUrl;
    private final HttpClient http;
    private final Clock clock;
    private final SplittableRandom random = new SplittableRandom(42);
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;
    private boolean warnedOfRequests;

    private DemoWorkload(String bootstrapServers, FreshetConfig config, String apiUrl, Clock clock) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "freshet-demo");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.definitions = config.definitions();
        this.models = config.models();
        this.bandits = config.bandits();
        Set<String> outcomeSources = outcomeSources(config);
        this.sources = definitions.sources().stream().filter(source -> !outcomeSources.contains(source.name())).toList();
        this.apiUrl = apiUrl;
        this.http = models.isEmpty() && bandits.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
        this.clock = clock;
        this.thread = new Thread(this::run, "freshet-demo");
        this.thread.setDaemon(true);
    }

    /**
     * @param apiUrl the HTTP API's address, which the demo asks for predictions and decisions when there are models or bandits
     */
    static DemoWorkload start(String bootstrapServers, FreshetConfig config, String apiUrl, Clock clock) {
        DemoWorkload demo = new DemoWorkload(bootstrapServers, config, apiUrl, clock);
        demo.thread.start();
        return demo;
    }

    /** The sources that label predictions or reward decisions: the demo writes them only in answer to one. */
    static Set<String> outcomeSources(FreshetConfig config) {
        Set<String> out = new LinkedHashSet<>();
        config.models().forEach(m -> out.add(m.label().source()));
        config.bandits().forEach(b -> out.add(b.reward().source()));
        return out;
    }

    /** What it does, for the line {@code freshet run} prints: {@code about 40 events/s to clicks for 100 users ...}. */
    static String describe(FreshetConfig config) {
        Set<String> outcomeSources = outcomeSources(config);
        List<String> parts = new ArrayList<>();
        String topics = config.definitions().sources().stream().filter(s -> !outcomeSources.contains(s.name())).map(Source::topic)
                .collect(Collectors.joining(", "));
        if (!topics.isEmpty()) {
            parts.add("about " + EVENTS_PER_SECOND + " events/s to " + topics + " for " + ENTITIES + " users (u1 is the busiest)");
        }
        for (ModelDefinition m : config.models()) {
            parts.add("about " + EVENTS_PER_SECOND + " predictions/s of " + m.name() + ", some labelled on " + m.label().source());
        }
        for (BanditDefinition b : config.bandits()) {
            parts.add("about " + EVENTS_PER_SECOND + " decisions/s of " + b.name() + ", some rewarded on " + b.reward().source());
        }
        return String.join("; ", parts);
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
                    send(source, event(source));
                }
                for (ModelDefinition model : models) {
                    predict(model);
                }
                for (BanditDefinition bandit : bandits) {
                    decide(bandit);
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

    private void send(Source source, byte[] event) {
        producer.send(new ProducerRecord<>(source.topic(), event), (m, e) -> {
            if (e != null && !closing) {
                log.warn("the demo workload could not send an event: {}", e.toString());
            }
        });
        sent.incrementAndGet();
    }

    /** Asks for a prediction; labels it positive at {@link #positiveRate}. */
    private void predict(ModelDefinition model) throws InterruptedException {
        Request request = request(model.features(), model.context());
        String id = post("/predict", "{\"model\": " + quoted(model.name()) + ", " + request.json() + "}", "prediction_id")
                .get("prediction_id");
        if (id != null && random.nextDouble() < positiveRate(request.signal())) {
            definitions.source(model.label().source()).ifPresent(source ->
                    answer(source, model.label().joinKey(), id, model.label().field()));
        }
    }

    /** Asks for a decision; rewards it at {@link #rewardRate}. */
    private void decide(BanditDefinition bandit) throws InterruptedException {
        Request request = request(bandit.contextFeatures(), bandit.context());
        Map<String, String> answer = post("/decide", "{\"bandit\": " + quoted(bandit.name()) + ", " + request.json() + "}",
                "decision_id", "action");
        String id = answer.get("decision_id");
        if (id != null && random.nextDouble() < rewardRate(bandit.actions().indexOf(answer.get("action")))) {
            definitions.source(bandit.reward().source()).ifPresent(source ->
                    answer(source, bandit.reward().joinKey(), id, bandit.reward().field()));
        }
    }

    /**
     * How often a prediction is labelled positive, by the number of its first context value (else of its user):
     * 0.6 for 1 to 5, 0.1 above, so that a model has something to learn.
     */
    static double positiveRate(int signal) {
        return signal <= 5 ? 0.6 : 0.1;
    }

    /** How often a decision is rewarded, by its action's position among the configured ones: the second one 0.6, others 0.15. */
    static double rewardRate(int action) {
        return action == 1 ? 0.6 : 0.15;
    }

    /** The entities and context of a request, as JSON members, and the number its label depends on. */
    private record Request(String json, int signal) {
    }

    private Request request(List<FeatureRef> features, List<String> context) {
        int user = skewed(ENTITIES);
        Map<String, String> entities = new LinkedHashMap<>();
        for (FeatureRef ref : features) {
            definitions.featureView(ref.view()).ifPresent(view -> {
                String joinKey = definitions.entityOf(view).joinKey();
                boolean text = definitions.sourceOf(view).schema().find(joinKey).map(f -> f.type() == FieldType.STRING).orElse(true);
                entities.putIfAbsent(joinKey, text ? quoted("u" + user) : Integer.toString(user));
            });
        }
        int signal = user;
        List<String> members = new ArrayList<>();
        for (String field : context) {
            int n = 1 + random.nextInt(VOCABULARY);
            if (members.isEmpty()) {
                signal = n;
            }
            FieldType type = definitions.sources().stream().flatMap(s -> s.schema().find(field).stream()).map(Field::type).findFirst()
                    .orElse(FieldType.LONG);
            String value = switch (type) {
                case STRING -> quoted(vocabulary(field) + "_" + n);
                case BOOLEAN -> Boolean.toString(n % 2 == 0);
                default -> Integer.toString(n);
            };
            members.add(quoted(field) + ": " + value);
        }
        String json = "\"entities\": {" + entities.entrySet().stream().map(e -> quoted(e.getKey()) + ": " + e.getValue())
                .collect(Collectors.joining(", ")) + "}, \"context\": {" + String.join(", ", members) + "}";
        return new Request(json, signal);
    }

    /** Posts a request to the API and reads the named string fields of its answer; none when it fails (logged once). */
    private Map<String, String> post(String path, String body, String... fields) throws InterruptedException {
        Map<String, String> out = new HashMap<>();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(REQUEST_TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                warnOnce(path + " answered " + r.statusCode() + ": " + r.body());
                return out;
            }
            Set<String> wanted = Set.of(fields);
            try (JsonParser parser = JSON.createParser(r.body())) {
                parser.nextToken();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_STRING && wanted.contains(name)) {
                        out.put(name, parser.getText());
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            if (!closing) {
                warnOnce(path + " failed: " + e);
            }
        }
        return out;
    }

    private void warnOnce(String what) {
        if (!warnedOfRequests) {
            warnedOfRequests = true;
            log.warn("the demo workload's request to {} (further failures are not logged)", what);
        }
    }

    /** A label or reward event: the id of what it answers, a positive outcome, the time now, other fields random. */
    private void answer(Source source, String joinKey, String id, String outcomeField) {
        List<String> parts = new ArrayList<>();
        for (Field f : source.schema().fields()) {
            String value;
            if (f.name().equals(joinKey)) {
                value = quoted(id);
            } else if (f.name().equals(outcomeField)) {
                value = f.type() == FieldType.BOOLEAN ? "true" : "1";
            } else {
                value = value(source, f);
            }
            parts.add(quoted(f.name()) + ": " + value);
        }
        send(source, ("{" + String.join(", ", parts) + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** One raw event of a source, as JSON. */
    byte[] event(Source source) {
        List<String> parts = new ArrayList<>();
        for (Field f : source.schema().fields()) {
            parts.add(quoted(f.name()) + ": " + value(source, f));
        }
        return ("{" + String.join(", ", parts) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private String value(Source source, Field f) {
        if (f.name().equals(source.timestampField())) {
            return Long.toString(clock.millis());
        }
        Optional<String> joinKey = definitions.keyEntityOf(source).map(Entity::joinKey);
        if (joinKey.isPresent() && f.name().equals(joinKey.get())) {
            int id = skewed(ENTITIES);
            return f.type() == FieldType.STRING ? quoted("u" + id) : Integer.toString(id);
        }
        return switch (f.type()) {
            case STRING -> quoted(vocabulary(f.name()) + "_" + (1 + random.nextInt(VOCABULARY)));
            case LONG -> Long.toString(random.nextInt(10));
            case DOUBLE -> String.format(Locale.ROOT, "%.2f", 1 + random.nextDouble() * 99);
            case BOOLEAN -> Boolean.toString(random.nextBoolean());
            case TIMESTAMP -> Long.toString(clock.millis() - random.nextInt(60_000));
        };
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
        producer.close(Duration.ofSeconds(5));
        if (http != null) {
            http.close();
        }
    }
}
