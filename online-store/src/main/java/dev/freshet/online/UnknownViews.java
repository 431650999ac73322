package dev.freshet.online;

import dev.freshet.core.definition.Definitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writes of {@link OnlineStore#putTiles} whose view the definitions lack: tiles left on a tile
 * topic by a view since removed from {@code freshet.yaml}. They are skipped (nothing could read
 * them) and counted, with one warning per view. Thread-safe.
 */
final class UnknownViews {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownViews.class);

    private final Definitions definitions;
    private final String store;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final AtomicLong skipped = new AtomicLong();

    UnknownViews(Definitions definitions, String store) {
        this.definitions = definitions;
        this.store = store;
    }

    /** True (and counted) when the view is not defined, so its write is to be skipped. */
    boolean skip(String view) {
        if (definitions.featureView(view).isPresent()) {
            return false;
        }
        skipped.incrementAndGet();
        if (warned.add(view)) {
            LOG.warn("{}: skipping tiles of feature view '{}', which is not defined (was it removed from the "
                    + "configuration? its tile topic freshet.tiles.{} can be deleted)", store, view, view);
        }
        return true;
    }

    /** How many writes were skipped since the store was opened. */
    long count() {
        return skipped.get();
    }
}
