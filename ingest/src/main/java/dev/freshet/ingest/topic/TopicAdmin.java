package dev.freshet.ingest.topic;

import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Creates the topics Freshet needs on a Kafka cluster, through the Kafka Admin client.
 *
 * <p>Every call waits at most the timeout given to {@link #connect(String, Duration)} (30 s by
 * default) and then fails with a {@link TransientException} naming the cluster and the topic.
 * Thread-safe. {@link #close()} is idempotent; calls after it throw {@link IllegalStateException}.
 */
public final class TopicAdmin implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final Duration VISIBILITY_POLL = Duration.ofMillis(20);

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TopicAdmin(Admin admin, String bootstrapServers, Duration timeout) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** Connects with the {@link #DEFAULT_TIMEOUT}; see {@link #connect(String, Duration)}. */
    public static TopicAdmin connect(String bootstrapServers) {
        return connect(bootstrapServers, DEFAULT_TIMEOUT);
    }

    /**
     * Creates an Admin client for {@code bootstrapServers}. It connects lazily: an unreachable
     * cluster shows at the first call, not here.
     *
     * @param timeout how long each call ({@link #ensure}) may take in all
     * @throws InvalidInputException when {@code bootstrapServers} is malformed or resolves to no address
     */
    public static TopicAdmin connect(String bootstrapServers, Duration timeout) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        String millis = Long.toString(Math.min(timeout.toMillis(), Integer.MAX_VALUE));
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "freshet-topic-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        try {
            return new TopicAdmin(Admin.create(config), bootstrapServers, timeout);
        } catch (KafkaException e) {
            throw new InvalidInputException("cannot connect to Kafka at \"" + bootstrapServers + "\": " + message(e)
                    + " (check kafka.bootstrap_servers: host:port pairs, comma-separated)", e);
        }
    }

    /**
     * Creates the topics of {@code specs} that do not exist yet, with their partitions, replication
     * factor and configs. Topics that exist are left as they are; when one has another partition
     * count, or a config that differs from its spec (e.g. a tiles topic that is not compacted), a
     * warning is logged. A topic that another client creates meanwhile counts as existing. Returns
     * once the brokers' metadata shows the created topics, so that clients started next (e.g.
     * Kafka Streams, which fails on a missing source topic) find them.
     *
     * @return the specs of the topics this call created, in the order of {@code specs}
     * @throws TransientException when Kafka cannot be reached, or fails, within the timeout
     * @throws InvalidInputException when Kafka refuses a spec (e.g. more replicas than brokers)
     * @throws IllegalArgumentException when two specs have the same name
     */
    public List<TopicSpec> ensure(List<TopicSpec> specs) {
        checkOpen();
        Set<String> names = new HashSet<>();
        for (TopicSpec spec : specs) {
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("two specs for topic " + spec.name());
            }
        }
        if (specs.isEmpty()) {
            return List.of();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> existing = await(admin.listTopics(new ListTopicsOptions().timeoutMs(remainingMillis(deadline))).names(),
                deadline, "listing topics (to check " + names(specs) + ")");
        List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
        List<TopicSpec> created = create(missing, deadline);
        awaitVisible(created, deadline);
        // Topics that existed, or that another client created meanwhile, are checked against their specs.
        List<TopicSpec> others = specs.stream().filter(s -> !created.contains(s)).toList();
        warnAboutDifferences(others, deadline);
        return created;
    }

    /** Closes the Admin client. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            admin.close(timeout);
        }
    }

    @Override
    public String toString() {
        return "TopicAdmin[" + bootstrapServers + (closed.get() ? ", closed]" : "]");
    }

    private List<TopicSpec> create(List<TopicSpec> missing, long deadline) {
        if (missing.isEmpty()) {
            return List.of();
        }
        List<NewTopic> newTopics = missing.stream().map(TopicAdmin::newTopic).toList();
        CreateTopicsResult result = admin.createTopics(newTopics, new CreateTopicsOptions().timeoutMs(remainingMillis(deadline)));
        List<TopicSpec> created = new ArrayList<>();
        for (TopicSpec spec : missing) {
            if (awaitCreation(result.values().get(spec.name()), deadline, spec.name())) {
                created.add(spec);
                log.debug("created topic {} ({}): {} partitions", spec.name(), spec.purpose(), spec.partitions());
            } else {
                log.debug("topic {} was created by another client meanwhile", spec.name());
            }
        }
        return List.copyOf(created);
    }

    /** Waits until listing topics shows every created one: a broker learns of a new topic shortly after the controller. */
    private void awaitVisible(List<TopicSpec> created, long deadline) {
        Set<String> pending = new HashSet<>(created.stream().map(TopicSpec::name).toList());
        while (!pending.isEmpty()) {
            pending.removeAll(await(admin.listTopics(new ListTopicsOptions().timeoutMs(remainingMillis(deadline))).names(),
                    deadline, "waiting for the new topics " + String.join(", ", pending) + " to be visible"));
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw unreachable("waiting for the new topics " + String.join(", ", pending) + " to be visible",
                        new TimeoutException("still not listed"));
            }
            try {
                Thread.sleep(VISIBILITY_POLL);
            } catch (InterruptedException e) {
                throw failure(e, "waiting for the new topics " + String.join(", ", pending) + " to be visible");
            }
        }
    }

    private static NewTopic newTopic(TopicSpec spec) {
        Optional<Short> replication = spec.replicationFactor().isPresent()
                ? Optional.of((short) spec.replicationFactor().getAsInt())
                : Optional.empty();
        return new NewTopic(spec.name(), Optional.of(spec.partitions()), replication).configs(spec.configs());
    }

    private void warnAboutDifferences(List<TopicSpec> existing, long deadline) {
        if (existing.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(
                existing.stream().map(TopicSpec::name).toList(),
                new DescribeTopicsOptions().timeoutMs(remainingMillis(deadline))).topicNameValues();
        List<TopicSpec> configured = existing.stream().filter(s -> !s.configs().isEmpty()).toList();
        Map<ConfigResource, KafkaFuture<Config>> configs = configured.isEmpty() ? Map.of() : admin.describeConfigs(
                configured.stream().map(s -> topicResource(s.name())).toList(),
                new DescribeConfigsOptions().timeoutMs(remainingMillis(deadline))).values();
        for (TopicSpec spec : existing) {
            awaitIfExists(descriptions.get(spec.name()), deadline, "describing topic " + spec.name())
                    .flatMap(description -> TopicDrift.partitions(spec, description.partitions().size()))
                    .ifPresent(log::warn);
        }
        for (TopicSpec spec : configured) {
            awaitIfExists(configs.get(topicResource(spec.name())), deadline, "describing the configs of topic " + spec.name())
                    .ifPresent(config -> TopicDrift.configs(spec, config).forEach(log::warn));
        }
    }

    private static ConfigResource topicResource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    /** Waits for {@code future} until the deadline and maps every failure to a Freshet exception. */
    private <T> T await(KafkaFuture<T> future, long deadline, String action) {
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw failure(e, action);
        }
    }

    /** Like {@link #await}, but empty when the topic was deleted meanwhile (or is not visible yet). */
    private <T> Optional<T> awaitIfExists(KafkaFuture<T> future, long deadline, String action) {
        try {
            return Optional.of(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                log.debug("{}: {}", action, e.getCause().getMessage());
                return Optional.empty();
            }
            throw failure(e, action);
        } catch (InterruptedException | TimeoutException e) {
            throw failure(e, action);
        }
    }

    /** True when this call created the topic, false when another client created it first. */
    private boolean awaitCreation(KafkaFuture<Void> future, long deadline, String topic) {
        try {
            future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw failure(e, "creating topic " + topic);
        } catch (InterruptedException | TimeoutException e) {
            throw failure(e, "creating topic " + topic);
        }
    }

    private FreshetException failure(Exception e, String action) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new TransientException("interrupted while " + action + " at Kafka " + bootstrapServers, e);
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return unreachable(action, cause);
        }
        if (cause instanceof RetriableException) {
            return new TransientException("Kafka at " + bootstrapServers + " failed while " + action + ": "
                    + message(cause) + " (retry later)", cause);
        }
        if (cause instanceof InvalidConfigurationException || cause instanceof InvalidPartitionsException
                || cause instanceof PolicyViolationException) {
            return new InvalidInputException("Kafka at " + bootstrapServers + " refused " + action + ": "
                    + message(cause) + " (check kafka.partitions and kafka.replication_factor)", cause);
        }
        return new FreshetException("Kafka at " + bootstrapServers + " failed while " + action + ": " + message(cause), cause);
    }

    private TransientException unreachable(String action, Throwable cause) {
        return new TransientException("cannot reach Kafka at " + bootstrapServers + " within " + seconds(timeout)
                + " while " + action + ": " + message(cause), cause);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the TopicAdmin for Kafka at " + bootstrapServers + " is closed");
        }
    }

    private static int remainingMillis(long deadline) {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(millis, Integer.MAX_VALUE));
    }

    private static String names(Collection<TopicSpec> specs) {
        return specs.stream().map(TopicSpec::name).collect(Collectors.joining(", "));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
