package dev.freshet.app.cli;

import dev.freshet.app.Main;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.testing.TopicReader;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code freshet produce} against a real embedded broker; each test sends to a raw topic of its own. */
class ProduceCommandTest {

    @TempDir
    static Path brokerDir;

    private static EmbeddedKafka broker;

    @TempDir
    Path dir;

    private String topic;
    private String config;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, brokerDir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void createTopics(TestInfo test) {
        topic = "raw_" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        String yaml = Examples.shopOn(broker.port(), dir).replace("topic: clicks", "topic: " + topic);
        config = Examples.write(dir, "freshet.yaml", yaml);
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.ensure(Topics.plan(FreshetConfig.parse(yaml, "freshet.yaml")));
        }
    }

    @Test
    void everyNonBlankLineOfTheFileBecomesOneRecordWithNoKey() throws IOException {
        List<String> events = new ArrayList<>();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String event = "{\"user_id\": \"u" + i + "\", \"price\": " + i + ".5, \"note\": \"caf\u00e9\"}";
            events.add(event);
            file.append(event).append(i % 10 == 0 ? "\r\n" : "\n");
            if (i % 20 == 0) {
                file.append(i == 0 ? "\n" : "   \t\n");
            }
        }
        file.setLength(file.length() - 1); // no line end after the last line
        Path path = Files.writeString(dir.resolve("events.jsonl"), file);

        Cli result = Cli.run("produce", "--config", config, "--source", "clicks", "--file", path.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        long bytes = events.stream().mapToLong(e -> e.getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(result.outLines()).singleElement().asString()
                .matches("Sent 50 records \\(" + Counts.grouped(bytes).replace(",", "\\,") + " bytes\\) from "
                        + java.util.regex.Pattern.quote(path.toString()) + " to topic " + topic
                        + " in \\d+\\.\\d s: [\\d,]+ records/s; 3 blank lines skipped\\.");
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(broker.bootstrapServers(), topic);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isNull());
        assertThat(values(records)).containsExactlyInAnyOrderElementsOf(events);
    }

    @Test
    void readsStandardInputWithoutFileOrWithADash() {
        Cli absent = runWithStdin("{\"n\": 1}\n\n{\"n\": 2}\n", "produce", "--config", config, "--source", "clicks");
        Cli dash = runWithStdin("{\"n\": 3}", "produce", "--config", config, "--source", "clicks", "--file", "-");

        assertThat(absent.exitCode()).as(absent.err()).isZero();
        assertThat(absent.out()).startsWith("Sent 2 records (16 bytes) from standard input to topic " + topic)
                .endsWith("; 1 blank line skipped.\n");
        assertThat(dash.exitCode()).as(dash.err()).isZero();
        assertThat(dash.out()).startsWith("Sent 1 record (8 bytes) from standard input");
        assertThat(values(TopicReader.readAll(broker.bootstrapServers(), topic)))
                .containsExactlyInAnyOrder("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}");
    }

    @Test
    void anUnknownSourceListsTheSourcesAndTheLikelyOne() {
        Cli result = Cli.run("produce", "--config", config, "--source", "clikcs", "--file", "-");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(config + " has no source clikcs (its sources: clicks); did you mean clicks?");
    }

    @Test
    void aMissingFileOrADirectoryIsNamedWithItsAbsolutePath() {
        Cli missing = Cli.run("produce", "--config", config, "--source", "clicks", "--file", "no-such.jsonl");
        Cli directory = Cli.run("produce", "--config", config, "--source", "clicks", "--file", dir.toString());

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errLines()).containsExactly("cannot read --file no-such.jsonl ("
                + Path.of("no-such.jsonl").toAbsolutePath() + "): no such file");
        assertThat(directory.exitCode()).isEqualTo(1);
        assertThat(directory.errLines()).containsExactly("cannot read --file " + dir
                + ": it is a directory; give a file with one JSON event per line");
    }

    @Test
    void textThatIsNotUtf8IsRefusedWithItsLine() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.jsonl"), "{\"n\": 1}\n{\"name\": \"J\u00e9r\u00f4me\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        Cli result = Cli.run("produce", "--config", config, "--source", "clicks", "--file", latin1.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("line 2 of " + latin1 + " is not UTF-8 text (byte 12 of the line)")
                .endsWith("; nothing from that line on was sent, the 1 record before it was");
    }

    @Test
    void aLineTooLargeForTheTopicIsRefusedWithItsSizeAndTheLimit() throws IOException {
        String big = "{\"pad\": \"" + "x".repeat(2_000_000) + "\"}";
        Path file = Files.writeString(dir.resolve("big.jsonl"), "{\"n\": 1}\n{\"n\": 2}\n" + big + "\n{\"n\": 3}\n");

        Cli result = Cli.run("produce", "--config", config, "--source", "clicks", "--file", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("line 3 of " + file + " is 2,000,011 bytes, too large for topic " + topic
                + ", which takes records of at most 1,048,588 bytes including about 100 bytes of overhead (its "
                + "max.message.bytes): split the event, or raise max.message.bytes of the topic; nothing from that line on "
                + "was sent, the 2 records before it were");
        assertThat(values(TopicReader.readAll(broker.bootstrapServers(), topic))).containsExactlyInAnyOrder("{\"n\": 1}", "{\"n\": 2}");
    }

    @Test
    void aClosedPortFailsAtOnceSayingToStartFreshetRun() throws IOException {
        int closed = Examples.freePort();
        String elsewhere = Examples.write(dir, "elsewhere.yaml", Examples.shopOn(closed, dir));
        Path file = Files.writeString(dir.resolve("events.jsonl"), "{\"n\": 1}\n");

        long start = System.nanoTime();
        Cli result = Cli.run("produce", "--config", elsewhere, "--source", "clicks", "--file", file.toString());

        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(5);
        assertThat(result.exitCode()).isEqualTo(Failures.TEMPORARY_FAILURE);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).containsExactly("cannot reach Kafka at 127.0.0.1:" + closed + ": connection refused "
                + "(nothing listens there); is `freshet run` running? freshet produce sends to the embedded broker it "
                + "starts (kafka.embedded.port " + closed + " in " + elsewhere + ")");
    }

    @Test
    void aMissingTopicSaysToRunFreshetOnce() throws IOException {
        String other = Examples.write(dir, "other.yaml", Examples.shopOn(broker.port(), dir).replace("topic: clicks", "topic: nobody_made_me"));
        Path file = Files.writeString(dir.resolve("events.jsonl"), "{\"n\": 1}\n");

        Cli result = Cli.run("produce", "--config", other, "--source", "clicks", "--file", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("topic nobody_made_me does not exist at Kafka " + broker.bootstrapServers()
                + ": start `freshet run` once to create Freshet's topics (the sources' raw topics included)");
    }

    @Test
    void theSourceIsRequiredAndTheHelpSaysLinesAreNotValidatedHere() {
        Cli missing = Cli.run("produce", "--config", config);
        Cli help = Cli.run("produce", "--help");

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--source=NAME'");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("They are not checked here").contains("freshet.dlq").contains("standard input");
    }

    private static Cli runWithStdin(String input, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        ((ProduceCommand) commandLine.getSubcommands().get("produce").getCommand()).stdin =
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        return Cli.run(commandLine, args);
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
