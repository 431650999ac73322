package dev.freshet.features;

import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.features.testing.Convergence;
import dev.freshet.features.testing.FeatureFixtures;
import dev.freshet.features.testing.PipelineMain;
import dev.freshet.features.testing.RawStreams;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.testing.TestProducer;
import dev.freshet.ingest.testing.TopicReader;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.Topics;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once across crashes: the pipeline runs in a child JVM that is killed with SIGKILL in the
 * middle of the stream (no close, no commit), twice; a new one finishes the stream. The final tiles
 * equal the reference exactly: nothing lost, nothing counted twice.
 */
class PipelineCrashTest {

    @TempDir
    Path dir;

    private EmbeddedKafka broker;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stop() {
        children.forEach(Process::destroyForcibly);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void killedMidStreamTheRestartedPipelineLosesAndDuplicatesNothing() throws Exception {
        broker = EmbeddedKafka.start(0, dir.resolve("kafka"));
        String yaml = FeatureFixtures.YAML.replace("streams: {grace: 10m}", "streams: {grace: 10m}\nkafka: {bootstrap_servers: \""
                + broker.bootstrapServers() + "\", partitions: 2}");
        Path configFile = dir.resolve("freshet.yaml");
        Files.writeString(configFile, yaml);
        FreshetConfig config = FreshetConfig.load(configFile);
        Definitions defs = config.definitions();
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.ensure(Topics.plan(config));
        }
        long now = System.currentTimeMillis();
        RawStreams.Stream stream = RawStreams.generate(defs, "clicks", 7, 60_000, now - 3_600_000L, 3_600_000L - 60_000, 0.02, now);
        List<ProducerRecord<byte[], byte[]>> records = stream.records();
        int half = records.size() / 2;
        TestProducer.send(broker.bootstrapServers(), records.subList(0, half));
        Path state = dir.resolve("state");

        // first run: killed once it has published some tiles
        Process first = startChild(configFile, state);
        TopicReader.readAtLeast(broker.bootstrapServers(), Topics.tiles("activity"), 1, Duration.ofSeconds(60));
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        // second run: the rest of the stream arrives while it runs; killed again right after it starts
        Process second = startChild(configFile, state);
        TestProducer.send(broker.bootstrapServers(), records.subList(half, records.size()));
        Thread.sleep(1_500);
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        // third run finishes
        startChild(configFile, state);
        for (FeatureView view : defs.featureViews()) {
            String diff = Convergence.await(broker.bootstrapServers(), Topics.tiles(view.name()), ViewAggregator.of(defs, view),
                    FeatureFixtures.reference(defs, view, stream.valid()), Duration.ofSeconds(120));
            assertThat(diff).as("tiles of " + view.name()).isEmpty();
        }
        assertThat(TopicReader.readAll(broker.bootstrapServers(), Topics.events("clicks"))).hasSize(stream.valid().size());
        assertThat(TopicReader.readAll(broker.bootstrapServers(), Topics.DLQ)).hasSize(stream.invalid());
    }

    /** Starts the pipeline in a child JVM and waits until it runs. */
    private Process startChild(Path configFile, Path state) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                PipelineMain.class.getName(), configFile.toString(), broker.bootstrapServers(), state.toString())
                .redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.equals("RUNNING")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe from filling up
                        }
                    } catch (IOException ignored) {
                        // the child was killed
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        throw new AssertionError("the child pipeline did not start; its output:\n" + String.join("\n", lines));
    }
}
