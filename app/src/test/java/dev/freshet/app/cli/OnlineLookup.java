package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.feature.FeatureRef;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /get-online-features} from the end-to-end tests, its answer as feature name → value per entity. */
final class OnlineLookup {

    private OnlineLookup() {
    }

    /** The features of the users (entity key {@code user_id}); values are Long, Double, String, Boolean or null. */
    static Map<String, List<Object>> lookup(String url, List<FeatureRef> refs, List<String> users) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("{\"features\": [");
        for (int i = 0; i < refs.size(); i++) {
            body.append(i == 0 ? "" : ", ").append('"').append(refs.get(i)).append('"');
        }
        body.append("], \"entities\": {\"user_id\": [");
        for (int i = 0; i < users.size(); i++) {
            body.append(i == 0 ? "" : ", ").append('"').append(users.get(i)).append('"');
        }
        body.append("]}}");
        HttpResponse<String> response = post(url + "/get-online-features", body.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return columns(response.body());
    }

    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A lookup response's feature columns (the entity column left out), by feature name. */
    static Map<String, List<Object>> columns(String json) throws IOException {
        List<String> names = new ArrayList<>();
        List<List<Object>> values = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("feature_names")) {
                    p.nextToken();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        names.add(p.getText());
                    }
                } else if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("values")) {
                    p.nextToken();
                    List<Object> column = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        column.add(switch (p.currentToken()) {
                            case VALUE_NULL -> null;
                            case VALUE_NUMBER_INT -> p.getLongValue();
                            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                            case VALUE_TRUE -> true;
                            case VALUE_FALSE -> false;
                            default -> p.getText();
                        });
                    }
                    values.add(column);
                }
            }
        }
        Map<String, List<Object>> out = new LinkedHashMap<>();
        for (int i = 1; i < names.size(); i++) {
            out.put(names.get(i), values.get(i));
        }
        return out;
    }
}
