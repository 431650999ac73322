package dev.freshet.app.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads series of a running server's {@code GET /metrics} in the end-to-end tests. */
final class MetricsProbe {

    private MetricsProbe() {
    }

    /** The value of one series, e.g. {@code freshet_bandit_outcomes_total{outcome="rewarded"}}; NaN when absent. */
    static double metric(String url, String series) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body(url));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Waits up to 30 s until the series satisfies {@code ok}; fails with the joins' and models' counts otherwise. */
    static void awaitMetric(String url, String series, DoublePredicate ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        double v;
        while (!ok.test(v = metric(url, series))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(series + " is " + v + "; the counts: " + body(url).lines()
                        .filter(l -> l.startsWith("freshet_training_") || l.startsWith("freshet_bandit_") || l.startsWith("freshet_model_"))
                        .toList());
            }
            Thread.sleep(100);
        }
    }

    private static String body(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
