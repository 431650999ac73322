package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.ApiConfig;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code freshet lookup}: asks a running Freshet's HTTP API for feature values, as a service would
 * ({@code POST /get-online-features}), and prints them as a table, or the API's JSON with {@code --json}.
 * It goes through the API rather than opening the store because {@code freshet run} holds the
 * embedded RocksDB store open.
 */
@Command(name = "lookup",
        description = {"Look up the current values of features for one or more entities through the HTTP API of a "
                + "running `freshet run` (POST /get-online-features), and print them with their status and event time.",
                "Example: freshet lookup --features user_activity:clicks_5m,user_activity:spend_1h --entity user_id=u1,u2"})
public final class LookupCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Option(names = {"-f", "--features"}, required = true, split = ",", paramLabel = "VIEW:FEATURE",
            description = "Features to look up, comma-separated (view:feature, e.g. user_activity:clicks_5m).")
    private List<String> features;

    @Option(names = {"-e", "--entity"}, required = true, paramLabel = "JOIN_KEY=ID[,ID...]",
            description = "The entities, as join key = ids, e.g. user_id=u1,u2. Repeat for features of several entities.")
    private List<String> entities;

    @Option(names = "--url", paramLabel = "URL",
            description = "The API's address (default: http://127.0.0.1:<api.port> from the configuration).")
    private String url;

    @Option(names = "--json", description = "Print the API's JSON response as it is.")
    private boolean json;

    @Option(names = "--full-feature-names", description = "Name the features view__feature, as Feast's full_feature_names does.")
    private boolean fullNames;

    @Override
    public Integer call() {
        return Failures.guard(spec, this::lookup);
    }

    private int lookup() throws InterruptedException {
        Map<String, List<String>> rows = parseEntities();
        String base = url != null ? url : defaultUrl(config.load().api());
        URI endpoint = endpoint(base);
        String body = requestBody(rows);
        HttpResponse<String> response = post(endpoint, body);
        PrintWriter out = spec.commandLine().getOut();
        if (response.statusCode() != 200) {
            String message = errorMessage(response.body());
            if (response.statusCode() >= 500) {
                throw new FreshetException("the API at " + base + " answered " + response.statusCode() + ": " + message);
            }
            throw new InvalidInputException(message + " (HTTP " + response.statusCode() + " from " + base + ")");
        }
        if (json) {
            out.println(response.body());
        } else {
            LookupTable.print(response.body(), rows.size(), out);
        }
        return 0;
    }

    private Map<String, List<String>> parseEntities() {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String e : entities) {
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--entity '" + e + "' is not JOIN_KEY=ID[,ID...] (e.g. --entity user_id=u1)");
            }
            String key = e.substring(0, eq).trim();
            List<String> ids = List.of(e.substring(eq + 1).split(",", -1));
            if (rows.put(key, ids.stream().map(String::trim).toList()) != null) {
                throw new ParameterException(spec.commandLine(), "--entity names " + key + " twice; list its ids once, comma-separated");
            }
        }
        return rows;
    }

    static String defaultUrl(ApiConfig api) {
        String host = api.host().equals("0.0.0.0") || api.host().equals("::") ? "127.0.0.1" : api.host();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + api.port();
    }

    private URI endpoint(String base) {
        try {
            URI uri = URI.create(base.endsWith("/") ? base + "get-online-features" : base + "/get-online-features");
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("not an http URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--url '" + base + "' is not an http URL (e.g. http://127.0.0.1:8080)");
        }
    }

    private String requestBody(Map<String, List<String>> rows) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeArrayFieldStart("features");
            for (String f : features) {
                g.writeString(f.trim());
            }
            g.writeEndArray();
            g.writeObjectFieldStart("entities");
            for (Map.Entry<String, List<String>> e : rows.entrySet()) {
                g.writeArrayFieldStart(e.getKey());
                for (String id : e.getValue()) {
                    g.writeString(id);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeBooleanField("full_feature_names", fullNames);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        return w.toString();
    }

    private HttpResponse<String> post(URI endpoint, String body) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new TransientException("no Freshet API answers at " + endpoint.resolve("/")
                    + ": is `freshet run` running with this configuration? (the port is api.port; or give --url)", e);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new TransientException("the Freshet API at " + endpoint.resolve("/") + " did not answer within "
                    + TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new TransientException("could not talk to the Freshet API at " + endpoint.resolve("/") + ": " + e.getMessage(), e);
        }
    }

    /** The {@code error.message} of the API's error body, or the body itself. */
    static String errorMessage(String body) {
        try (JsonParser p = new JsonFactory().createParser(body)) {
            List<String> path = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    path.add(p.currentName());
                    if (path.contains("error") && p.currentName().equals("message")) {
                        p.nextToken();
                        return p.getText();
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: show it as it is
        }
        return body.isBlank() ? "(no message)" : body.strip();
    }
}
