package dev.freshet.features;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

import java.util.Map;
import java.util.Objects;

/**
 * A state store that holds nothing: Kafka Streams calls it just before every commit of its task,
 * and it runs the action its processor gave it there, so that the processor can write what it
 * deferred into its logged stores and have it committed with the offsets of the records it came from.
 *
 * <h2>How it is called</h2>
 * Kafka Streams has no public hook before a commit. It has one for its own record caches: every
 * commit (regular, requested, on a rebalance or on close) first flushes each task's caching stores,
 * and only then flushes the producer and commits the transaction. Such a store is a
 * {@link CachedStateStore}, an interface of Kafka Streams' {@code internals} package; this store
 * is one, with no cache. It is the only use of Kafka Streams internals in Freshet. Should a later
 * Kafka Streams stop calling it, deferred writes would reach the store only at the processor's
 * next own flush, and a crash could lose them: {@code FeaturesTopologyTest} checks that a commit
 * writes them, and {@code PipelineCrashTest} that a crash loses nothing.
 *
 * <p>The stores the action writes to must not be cached by Kafka Streams: their own caches may
 * already have been flushed for this commit, and what the action put there would wait for the next
 * one. (The tile store is not cached.)
 *
 * <p>Not logged and not persistent: there is nothing to restore. Used by one stream thread.
 */
final class BeforeCommit implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private Runnable action = () -> { };
    private boolean open;

    private BeforeCommit(String name) {
        this.name = name;
    }

    /** A builder of the store called {@code name}, for a processor's {@code stores()}. */
    static StoreBuilder<BeforeCommit> builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /** Runs {@code action} before every commit of this store's task (in place of the previous action). */
    void onCommit(Runnable action) {
        this.action = Objects.requireNonNull(action, "action");
    }

    @Override
    public void flushCache() {
        action.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false; // no cache, so nothing is ever forwarded on a flush
    }

    @Override
    public void clearCache() {
        // No cache. A task whose uncommitted work is thrown away is initialised again, and its processor then drops what it deferred.
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    @Override
    public void close() {
        open = false;
        action = () -> { };
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private record Builder(String name) implements StoreBuilder<BeforeCommit> {
        @Override
        public StoreBuilder<BeforeCommit> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<BeforeCommit> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<BeforeCommit> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("store '" + name + "' holds nothing, so it has no changelog");
        }

        @Override
        public StoreBuilder<BeforeCommit> withLoggingDisabled() {
            return this;
        }

        @Override
        public BeforeCommit build() {
            return new BeforeCommit(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }
    }
}
