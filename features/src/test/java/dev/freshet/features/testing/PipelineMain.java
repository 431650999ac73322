package dev.freshet.features.testing;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.features.Pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the pipeline in a child JVM for the crash test, which kills it with SIGKILL: arguments are
 * the configuration file, the bootstrap servers and the state directory. Prints {@code RUNNING}
 * once the pipeline runs, then runs until killed.
 */
public final class PipelineMain {

    private PipelineMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        FreshetConfig config = FreshetConfig.load(Path.of(args[0]));
        config = config.withStreams(config.streams().withStateDir(Path.of(args[2])));
        // a killed member must not hold its partitions for the default 45 s
        Pipeline pipeline = Pipeline.start(config, args[1], Map.of("consumer.session.timeout.ms", 6_000,
                "consumer.heartbeat.interval.ms", 1_000));
        pipeline.awaitRunning(Duration.ofSeconds(60));
        System.out.println("RUNNING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
