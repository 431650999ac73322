package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineStatusTest {

    @Test
    void oneLineWithEverySourceAndView() {
        PipelineStatus status = new PipelineStatus(
                List.of(new PipelineStatus.SourceCounts("clicks", 12_000, Map.of("malformed_json", 2L, "bad_timestamp", 1L)),
                        new PipelineStatus.SourceCounts("views", 1, Map.of())),
                List.of(new PipelineStatus.ViewCounts("user_activity", 11_997, 3, 1)));

        assertThat(status.line()).isEqualTo("clicks: 12,000 events, 3 dead letters (1 bad_timestamp, 2 malformed_json)"
                + " | views: 1 event, 0 dead letters | user_activity: 11,997 applied, 3 late, 1 tile published");
    }

    @Test
    void theStoreAndTheArchiveFollowThePipeline() {
        PipelineStatus status = new PipelineStatus(List.of(new PipelineStatus.SourceCounts("clicks", 5, Map.of())),
                List.of(new PipelineStatus.ViewCounts("user_activity", 5, 0, 4)),
                new PipelineStatus.StoreCounts(4, 0, 1), new PipelineStatus.ArchiveCounts(1_234, 56));

        assertThat(status.line()).isEqualTo("clicks: 5 events, 0 dead letters | user_activity: 5 applied, 0 late, 4 tiles published"
                + " | online store: 4 tiles written, 0 removed, lag 1 | archive: 1,234 events, lag 56");
    }

    @Test
    void aStoreThatRefusesWritesAndAnArchiveThatCannotCommitSaySo() {
        PipelineStatus status = new PipelineStatus(List.of(new PipelineStatus.SourceCounts("clicks", 5, Map.of())),
                List.of(), new PipelineStatus.StoreCounts(4, 0, 1_026, true), new PipelineStatus.ArchiveCounts(5, 30, true));

        assertThat(status.line()).isEqualTo("clicks: 5 events, 0 dead letters"
                + " | online store: 4 tiles written, 0 removed, lag 1,026, writes failing (retrying; see the log)"
                + " | archive: 5 events, lag 30, commits failing (retrying; see the log)");
    }

    @Test
    void joinsAndLearnersComeLast() {
        PipelineStatus status = new PipelineStatus(List.of(new PipelineStatus.SourceCounts("clicks", 5, Map.of())),
                List.of(new PipelineStatus.ViewCounts("user_activity", 5, 0, 4)), null, null,
                List.of(new PipelineStatus.JoinCounts("label join", "prediction", "labelled", 1_200, 800, 1),
                        new PipelineStatus.JoinCounts("reward join", "decision", "rewarded", 1, 0, 0)),
                List.of(new PipelineStatus.LearnerCounts("ctr", "example", 801, "ctr-v3"),
                        new PipelineStatus.LearnerCounts("homepage", "outcome", 1, "homepage-v0")));

        assertThat(status.line()).isEqualTo("clicks: 5 events, 0 dead letters | user_activity: 5 applied, 0 late, 4 tiles published"
                + " | label join: 1,200 predictions, 800 labelled, 1 defaulted | reward join: 1 decision, 0 rewarded, 0 defaulted"
                + " | ctr: 801 examples learnt, serving ctr-v3 | homepage: 1 outcome learnt, serving homepage-v0");
    }

    @Test
    void nothingProcessedIsAllZeroAndEqualToAnotherNothing() {
        var definitions = FreshetConfig.parse(Examples.SHOP, "freshet.yaml").definitions();

        assertThat(PipelineStatus.none(definitions).line())
                .isEqualTo("clicks: 0 events, 0 dead letters | user_activity: 0 applied, 0 late, 0 tiles published");
        assertThat(PipelineStatus.none(definitions)).isEqualTo(PipelineStatus.none(definitions));
    }
}
