package dev.freshet.core.config;

import dev.freshet.core.config.NodeReader.Entries;
import dev.freshet.core.config.NodeReader.Item;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;

/** Every path visited is located; a path the file does not have takes the line of its closest parent. */
class NodeReaderTest {

    @Test
    void theParentOfAPathDropsItsLastStep() {
        assertThat(NodeReader.parent("feature_views[0].features[2].window")).isEqualTo("feature_views[0].features[2]");
        assertThat(NodeReader.parent("feature_views[0].features[2]")).isEqualTo("feature_views[0].features");
        assertThat(NodeReader.parent("feature_views[0]")).isEqualTo("feature_views");
        assertThat(NodeReader.parent("sources[1].schema.price")).isEqualTo("sources[1].schema");
        assertThat(NodeReader.parent("project")).isEmpty();
    }

    @Test
    void pathsAreLocatedAtTheirKeyOrTheirClosestParent() {
        NodeReader in = new NodeReader("f.yaml");
        Entries top = in.mapping("", new Yaml().compose(new StringReader("""
                # a comment
                project: shop
                feature_views:
                  - name: v
                    features:
                      - {name: c, window: 5m}
                """)), null);
        for (Item view : in.list(top, "feature_views")) {
            for (Item feature : in.list(in.mapping(view.path(), view.node(), null), "features")) {
                in.mapping(feature.path(), feature.node(), null);
            }
        }

        assertThat(in.lineOf("project")).isEqualTo(2);
        assertThat(in.lineOf("feature_views[0]")).isEqualTo(4);
        assertThat(in.lineOf("feature_views[0].features")).isEqualTo(5);
        assertThat(in.lineOf("feature_views[0].features[0].window")).isEqualTo(6);
        assertThat(in.lineOf("feature_views[0].features[0].field")).isEqualTo(6);
        assertThat(in.lineOf("feature_views[0].tile")).isEqualTo(4);
        assertThat(in.lineOf("kafka.embedded.port")).isEqualTo(2);
        assertThat(in.hasProblems()).isFalse();
    }
}
