package dev.freshet.core.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TyposTest {

    @Test
    void aLikelyTypoGetsTheClosestWord() {
        List<String> keys = List.of("bootstrap_servers", "embedded");
        assertThat(Typos.closest("embeded", keys)).contains("embedded");
        assertThat(Typos.closest("Embedded", keys)).contains("embedded");
        assertThat(Typos.closest("bootstrap-servers", keys)).contains("bootstrap_servers");
        assertThat(Typos.closest("joinkey", List.of("name", "join_key"))).contains("join_key");
    }

    @Test
    void aWordFarFromEveryOneGetsNoSuggestion() {
        assertThat(Typos.closest("zookeeper", List.of("bootstrap_servers", "embedded"))).isEmpty();
        // two edits would turn "ab" into almost anything short
        assertThat(Typos.closest("ab", List.of("api"))).isEmpty();
    }

    @Test
    void theHintFitsInsideARulesParentheses() {
        assertThat(Typos.hint("summ", List.of("count", "sum"))).isEqualTo("; did you mean sum?");
        assertThat(Typos.hint("median", List.of("count", "sum"))).isEmpty();
    }
}
