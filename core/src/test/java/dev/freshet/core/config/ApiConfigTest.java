package dev.freshet.core.config;

import org.junit.jupiter.api.Test;

import static dev.freshet.core.config.ExampleConfig.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code api} section. */
class ApiConfigTest {

    @Test
    void defaultsWhenAbsent() {
        ApiConfig api = FreshetConfig.parse("project: shop\n", "f.yaml").api();

        assertThat(api).isEqualTo(ApiConfig.defaults());
        assertThat(api.host()).isEqualTo("127.0.0.1");
        assertThat(api.port()).isEqualTo(8080);
        assertThat(api.maxEntities()).isEqualTo(1_000);
        assertThat(api.eventLoops()).as("one per core").isZero();
    }

    @Test
    void everySettingIsRead() {
        ApiConfig api = FreshetConfig.parse("project: shop\napi: {host: 0.0.0.0, port: 9000, max_entities: 50, max_request_bytes: 65536, "
                + "event_loops: 1}\n", "f.yaml").api();

        assertThat(api).isEqualTo(new ApiConfig("0.0.0.0", 9000, 50, 65_536, 1));
        assertThat(api.withPort(0).eventLoops()).isEqualTo(1);
    }

    @Test
    void badValuesAreNamed() {
        assertThat(problems("project: shop\napi: {host: \"my host\", max_entities: 0, max_request_bytes: lots, prot: 1, event_loops: 0}\n"))
                .anySatisfy(p -> assertThat(p).contains("api.event_loops").contains("out of range (1 to 1024)"))
                .anySatisfy(p -> assertThat(p).contains("api.host").contains("\"my host\"").contains("is not a host name"))
                .anySatisfy(p -> assertThat(p).contains("api.max_entities").contains("out of range"))
                .anySatisfy(p -> assertThat(p).contains("api.max_request_bytes").contains("not an integer"))
                .anySatisfy(p -> assertThat(p).contains("api.prot").contains("port"));
    }
}
