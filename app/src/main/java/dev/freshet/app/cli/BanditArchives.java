package dev.freshet.app.cli;

import dev.freshet.bandits.stream.OutcomeRows;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Source;
import dev.freshet.offline.archive.ArchivedStream;
import dev.freshet.offline.archive.ArchiverSettings;

/** The bandits' outcomes (decisions with their rewards) as streams the archiver keeps beside the sources' events. */
final class BanditArchives {

    private BanditArchives() {
    }

    /** Adds one archived stream per bandit of the configuration to the archiver's settings. */
    static ArchiverSettings addTo(ArchiverSettings settings, FreshetConfig config) {
        for (BanditDefinition b : config.bandits()) {
            Source source = OutcomeRows.source(b);
            settings.stream(new ArchivedStream(source, b.outcomesTopic(), value -> OutcomeRows.row(source, value)));
        }
        return settings;
    }
}
