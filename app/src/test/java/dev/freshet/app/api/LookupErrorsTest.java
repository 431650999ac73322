package dev.freshet.app.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.freshet.app.api.ApiFixture.T0;
import static dev.freshet.app.api.ApiFixture.click;
import static dev.freshet.app.api.ApiFixture.lookup;
import static org.assertj.core.api.Assertions.assertThat;

/** Every way a lookup request can be wrong, answered 4xx with a code and a message that says what to fix. */
class LookupErrorsTest {

    static final int MAX_ENTITIES = 50;
    static final int MAX_BYTES = 16 * 1024;

    @TempDir
    static Path dir;

    static ApiFixture api;

    @BeforeAll
    static void startApi() {
        api = ApiFixture.start(ApiFixture.yaml("{type: rocksdb, path: \"" + dir.resolve("online") + "\"}", "", MAX_ENTITIES, MAX_BYTES));
        api.write(click("u1", "i1", 2.0, T0 + 10_000));
        api.clock.set(T0 + 60_000);
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    /** The error object of a response, after checking its status and shape. */
    static Map<String, Object> error(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) JsonTree.object(r.body()).get("error");
        assertThat(error).as(r.body()).containsEntry("code", code).containsKey("message");
        return error;
    }

    static String message(HttpResponse<String> r, int status, String code) {
        return (String) error(r, status, code).get("message");
    }

    static HttpResponse<String> lookupOf(String body) {
        return api.post("/get-online-features", body);
    }

    @Test
    void malformedJsonSaysWhere() {
        assertThat(message(lookupOf("{\"features\": [\"user_activity:clicks_5m\",]\n}"), 400, "malformed_json"))
                .startsWith("the request body is not valid JSON at line 1, column ").contains("Unexpected character");
        assertThat(message(lookupOf("{\"features\": [\"user_activity:clicks_5m\"],\n \"entities\": {\"user_id\": [\"u1\"]}} {}"), 400,
                "malformed_json")).contains("content after its JSON object, at line 2, column");
        assertThat(message(lookupOf("{\"entities\": {}, \"entities\": {}}"), 400, "malformed_json"))
                .contains("Duplicate field 'entities'");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                                                        | the request body is empty; send one JSON object, e.g. {\"features\"",
        "`[1, 2]`                                                  | the request body must be one JSON object, e.g. {\"features\"",
        "`{\"entities\": {\"user_id\": [\"u1\"]}}`                 | the request has no \"features\": list the features to read",
        "`{\"features\": [\"user_activity:clicks_5m\"]}`           | the request has no \"entities\": give the ids to look up under their join key",
        "`{\"features\": \"user_activity:clicks_5m\", \"entities\": {}}` | \"features\" must be an array of strings such as [\"user_activity:clicks_5m\"], not a string",
        "`{\"features\": [1], \"entities\": {}}`                   | features[0] must be a string view:feature such as \"user_activity:clicks_5m\", not an integer",
        "`{\"features\": [], \"entities\": {}}`                    | \"features\" is empty: name at least one feature",
        "`{\"features\": [\"user_activity:clicks_5m\"], \"entities\": [\"u1\"]}` | \"entities\" must be an object of join keys to arrays of ids such as {\"user_id\": [\"u1\", \"u2\"]}, not an array",
        "`{\"features\": [\"user_activity:clicks_5m\"], \"entities\": {\"user_id\": \"u1\"}}` | entities.user_id must be an array of ids (strings or integers) such as [\"u1\", \"u2\"], not a string",
        "`{\"features\": [\"user_activity:clicks_5m\"], \"entities\": {\"user_id\": [\"u1\"]}, \"full_feature_names\": \"yes\"}` | \"full_feature_names\" must be true or false, not a string",
        "`{\"feature\": [\"user_activity:clicks_5m\"], \"entities\": {\"user_id\": [\"u1\"]}}` | unknown field \"feature\" in the request (fields: features, entities, full_feature_names; did you mean features?)",
        "`{\"feature_service\": \"svc\", \"entities\": {}}`        | feature services are not supported: list the features instead",
    })
    void aMalformedRequestIsRefusedWithWhatToFix(String body, String expected) {
        assertThat(message(lookupOf(body), 400, "invalid_request")).contains(expected);
    }

    @Test
    void anUnknownViewListsTheViewsWithAHint() {
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\", \"user_activty:clicks_5m\"", "\"user_id\": [\"u1\"]")),
                400, "unknown_feature_view"))
                .isEqualTo("features[1]: unknown feature view \"user_activty\" in \"user_activty:clicks_5m\" (feature views: "
                        + "user_activity, item_stats; did you mean user_activity?)");
    }

    @Test
    void anUnknownFeatureListsTheViewsFeaturesWithAHint() {
        assertThat(message(lookupOf(lookup("\"user_activity:click_5m\"", "\"user_id\": [\"u1\"]")), 400, "unknown_feature"))
                .isEqualTo("features[0]: view user_activity has no feature \"click_5m\" (features of user_activity: clicks_5m, "
                        + "spend_1h, avg_price_1d, max_price_1h, last_item, items_1d, clicks_total; did you mean clicks_5m?)");
    }

    @Test
    void aReferenceWithoutViewIsExplained() {
        assertThat(message(lookupOf(lookup("\"clicks_5m\"", "\"user_id\": [\"u1\"]")), 400, "invalid_feature_reference"))
                .contains("features[0]: \"clicks_5m\" is not a feature reference (write it as view:feature, e.g. user_activity:clicks_5m)");
    }

    @Test
    void spacesAroundTheNamesOfAReferenceAreAllowed() {
        assertThat(lookupOf(lookup("\" user_activity : clicks_5m \"", "\"user_id\": [\"u1\"]")).statusCode()).isEqualTo(200);
    }

    @Test
    void aMissingJoinKeyNamesTheKeyTheViewNeeds() {
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\"", "\"usr_id\": [\"u1\"]")), 400, "missing_join_key"))
                .isEqualTo("view user_activity is keyed by user_id (entity user), but \"entities\" has no user_id (it has usr_id);"
                        + " add \"user_id\": [ids]");
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\"", "")), 400, "missing_join_key"))
                .contains("but \"entities\" has no user_id (it is empty)");
    }

    @Test
    void aJoinKeyNoFeatureUsesIsRefused() {
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\"", "\"user_id\": [\"u1\"], \"item_id\": [\"i1\"]")), 400,
                "unused_join_key"))
                .isEqualTo("entities.item_id is not the join key of any requested feature's view (the requested views are keyed"
                        + " by user_id): remove it, or request a feature keyed by it");
    }

    @Test
    void idListsOfDifferentLengthsAreRefused() {
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\", \"item_stats:clicks_1h\"",
                "\"user_id\": [\"u1\", \"u2\"], \"item_id\": [\"i1\"]")), 400, "length_mismatch"))
                .isEqualTo("the id lists in \"entities\" differ in length (user_id has 2, item_id has 1): every join key needs"
                        + " one id per row");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`[\"u1\", null]`              | entities.user_id[1] is null; every row needs an id",
        "`[1.5]`                       | entities.user_id[0] must be a string or an integer, not a decimal number (1.5)",
        "`[true]`                      | entities.user_id[0] must be a string or an integer, not true",
        "`[{\"id\": 1}]`               | entities.user_id[0] must be a string or an integer, not an object",
        "`[123456789012345678901234]`  | entities.user_id[0] \"123456789012345678901234\" is outside the 64-bit integer range; send ids this long as strings",
        "`[\"a\\ud800b\"]`             | has an unpaired UTF-16 surrogate at index 1",
    })
    void anIdThatIsNoIdIsRefused(String ids, String expected) {
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\"", "\"user_id\": " + ids)), 400, "invalid_entity_value"))
                .contains(expected);
    }

    @Test
    void aFeatureTwiceOrTwoColumnsOfOneNameAreRefused() {
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\", \"user_activity:clicks_5m\"", "\"user_id\": [\"u1\"]")),
                400, "invalid_request"))
                .isEqualTo("features[0] and features[1] are both user_activity:clicks_5m: name each feature once");
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_total\", \"item_stats:clicks_total\"",
                "\"user_id\": [\"u1\"], \"item_id\": [\"i1\"]")), 400, "feature_name_collision"))
                .isEqualTo("features[0] (user_activity:clicks_total) and features[1] (item_stats:clicks_total) would both be"
                        + " named clicks_total in the response: set \"full_feature_names\": true to name columns view__feature");
        assertThat(lookupOf("{\"features\": [\"user_activity:clicks_total\", \"item_stats:clicks_total\"], \"entities\":"
                + " {\"user_id\": [\"u1\"], \"item_id\": [\"i1\"]}, \"full_feature_names\": true}").statusCode()).isEqualTo(200);
    }

    @Test
    void moreRowsThanMaxEntitiesIs413() {
        String ids = IntStream.rangeClosed(0, MAX_ENTITIES).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(","));
        assertThat(message(lookupOf(lookup("\"user_activity:clicks_5m\"", "\"user_id\": [" + ids + "]")), 413, "too_many_entities"))
                .isEqualTo("entities.user_id has more than 50 ids; this server looks up at most 50 entity rows per request"
                        + " (api.max_entities): split the request");
        String exactly = IntStream.range(0, MAX_ENTITIES).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(","));
        assertThat(lookupOf(lookup("\"user_activity:clicks_5m\"", "\"user_id\": [" + exactly + "]")).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyLargerThanMaxRequestBytesIs413AndTheConnectionStaysUsable() {
        String big = "{\"features\": [\"user_activity:clicks_5m\"], \"entities\": {\"user_id\": [\"u1\"]}, \"pad\": \""
                + "x".repeat(MAX_BYTES) + "\"}";
        assertThat(message(lookupOf(big), 413, "request_too_large"))
                .isEqualTo("the request body is " + big.length() + " bytes; this server accepts at most " + MAX_BYTES
                        + " bytes (api.max_request_bytes): send fewer rows per request");
        // sent in chunks, without a length: refused once the limit is passed
        HttpResponse<String> chunked = api.send(HttpRequest.newBuilder(api.uri("/get-online-features"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))));
        assertThat(message(chunked, 413, "request_too_large")).startsWith("the request body is larger than " + MAX_BYTES + " bytes;");
        assertThat(lookupOf(lookup("\"user_activity:clicks_5m\"", "\"user_id\": [\"u1\"]")).statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        HttpResponse<String> get = api.get("/get-online-features");
        assertThat(message(get, 405, "method_not_allowed")).isEqualTo("GET is not allowed on /get-online-features (use POST)");
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
        HttpResponse<String> post = api.post("/health", "{}");
        assertThat(message(post, 405, "method_not_allowed")).isEqualTo("POST is not allowed on /health (use GET)");
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
        HttpResponse<String> head = api.send(HttpRequest.newBuilder(api.uri("/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(405);
        assertThat(head.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void anUnknownPathIs404ListingTheEndpoints() {
        String listing = "endpoints: POST /get-online-features, POST /push, POST /predict, POST /decide, POST /reward, GET /health, GET /metrics, GET /registry";
        assertThat(message(api.get("/features"), 404, "not_found")).isEqualTo("no endpoint at \"/features\" (" + listing + ")");
        assertThat(message(api.get("/healthz?x=1"), 404, "not_found")).isEqualTo("no endpoint at \"/healthz\" (" + listing
                + "; did you mean /health?)");
        assertThat(message(api.post("/get-online-feature", "{}"), 404, "not_found")).endsWith("; did you mean /get-online-features?)");
    }

    @Test
    void theContentTypeIsNotChecked() {
        String body = lookup("\"user_activity:clicks_5m\"", "\"user_id\": [\"u1\"]");
        HttpResponse<String> text = api.send(HttpRequest.newBuilder(api.uri("/get-online-features")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        HttpResponse<String> none = api.send(HttpRequest.newBuilder(api.uri("/get-online-features"))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(none.body()).isEqualTo(text.body());
    }
}
