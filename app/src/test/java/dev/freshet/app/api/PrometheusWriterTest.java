package dev.freshet.app.api;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusWriterTest {

    @Test
    void groupsSamplesUnderOneHelpAndTypePerFamily() {
        PrometheusWriter out = new PrometheusWriter()
                .counter("a_total", "As", Map.of("k", "1"), 1)
                .gauge("b", "Bs", 2.5)
                .counter("a_total", "As", Map.of("k", "2"), 3);

        assertThat(out.text()).isEqualTo("""
                # HELP a_total As
                # TYPE a_total counter
                a_total{k="1"} 1
                a_total{k="2"} 3
                # HELP b Bs
                # TYPE b gauge
                b 2.5
                """);
    }

    @Test
    void escapesLabelValuesAndHelp() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("path", "C:\\dir\n\"x\"");
        labels.put("z", "");
        String text = new PrometheusWriter().gauge("g", "line one\nback\\slash", labels, -1).text();

        assertThat(text).isEqualTo("# HELP g line one\\nback\\\\slash\n# TYPE g gauge\ng{path=\"C:\\\\dir\\n\\\"x\\\"\",z=\"\"} -1\n");
    }

    @Test
    void writesHistogramsWithCumulativeBucketsSumAndCount() {
        String text = new PrometheusWriter().histogram("h_seconds", "Hs", Map.of("e", "x"), new double[] {0.001, 0.5},
                new long[] {1, 3, 4}, 0.75).text();

        assertThat(text).isEqualTo("""
                # HELP h_seconds Hs
                # TYPE h_seconds histogram
                h_seconds_bucket{e="x",le="0.001"} 1
                h_seconds_bucket{e="x",le="0.5"} 3
                h_seconds_bucket{e="x",le="+Inf"} 4
                h_seconds_sum{e="x"} 0.75
                h_seconds_count{e="x"} 4
                """);
    }

    @Test
    void formatsSpecialAndLargeValues() {
        assertThat(PrometheusWriter.format(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusWriter.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusWriter.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(PrometheusWriter.format(12)).isEqualTo("12");
        assertThat(PrometheusWriter.format(1e20)).isEqualTo("1.0E20");
        assertThat(PrometheusWriter.format(5e-5)).isEqualTo("5.0E-5");
    }

    @Test
    void refusesBadNamesTypeChangesAndRepeatedSeries() {
        PrometheusWriter out = new PrometheusWriter().counter("c_total", "Cs", Map.of("k", "v"), 1);

        assertThatThrownBy(() -> out.gauge("c_total", "Cs", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric c_total was written as a counter and now as a gauge (one name, one type)");
        assertThatThrownBy(() -> out.counter("c_total", "Cs", Map.of("k", "v"), 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sample c_total{k=\"v\"} was already written (each series once per scrape)");
        assertThatThrownBy(() -> out.counter("2bad", "x", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("metric name \"2bad\" is not a Prometheus name");
        assertThatThrownBy(() -> out.counter("ok", "x", Map.of("__reserved", "v"), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("label name \"__reserved\" of metric ok is not a Prometheus label name");
    }

    @Test
    void addingAnotherWritersSamplesChecksBeforeChangingAnything() {
        PrometheusWriter main = new PrometheusWriter().counter("a_total", "As", Map.of("k", "1"), 1);
        PrometheusWriter clash = new PrometheusWriter().counter("z_total", "Zs", 9).gauge("a_total", "As", 2);

        assertThatThrownBy(() -> main.addAll(clash)).isInstanceOf(IllegalArgumentException.class);
        assertThat(main.text()).doesNotContain("z_total");

        main.addAll(new PrometheusWriter().counter("a_total", "As", Map.of("k", "2"), 2));
        assertThat(main.text()).isEqualTo("# HELP a_total As\n# TYPE a_total counter\na_total{k=\"1\"} 1\na_total{k=\"2\"} 2\n");
    }
}
