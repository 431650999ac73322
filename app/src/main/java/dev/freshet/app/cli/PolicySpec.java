package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.VwOptionRules;
import dev.freshet.core.error.InvalidInputException;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code --policy} of {@code freshet evaluate-policy}: a policy and its options in JSON, as a
 * bandit's {@code policy:} and {@code options:} are in YAML, e.g.
 * {@code {"policy": "lin_ucb", "options": {"alpha": 0.5}}} or
 * {@code {"policy": "vw_cb", "options": "--cb_explore_adf --squarecb"}}. Options left out keep their defaults.
 */
final class PolicySpec {

    private static final JsonFactory JSON = new JsonFactory();
    private static final List<String> POLICIES = Arrays.stream(PolicyKind.values()).map(PolicyKind::yamlName).toList();
    private static final List<String> KEYS = List.of("epsilon", "alpha", "lambda", "v", "thompson", "form", "hash_buckets",
            "min_probability", "samples", "seed");

    private PolicySpec() {
    }

    /**
     * The bandit as it would be with this policy.
     *
     * @throws InvalidInputException saying what is wrong with the JSON
     */
    static BanditDefinition apply(String json, BanditDefinition bandit) {
        PolicyKind kind = null;
        BanditOptions o = BanditOptions.defaults();
        String vw = null;
        boolean mapping = false;
        double epsilon = o.epsilon();
        double alpha = o.alpha();
        double lambda = o.lambda();
        double v = o.v();
        String thompson = o.thompson();
        String form = o.form();
        int buckets = o.hashBuckets();
        double min = o.minProbability();
        int samples = o.samples();
        long seed = o.seed();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "policy" -> {
                        String text = t == JsonToken.VALUE_STRING ? p.getText() : "";
                        kind = PolicyKind.parse(text).orElseThrow(() -> bad("\"policy\": \"" + text + "\" is not a policy (policies: "
                                + String.join(", ", POLICIES) + Typos.hint(text, POLICIES) + ")"));
                    }
                    case "options" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            vw = p.getText();
                            continue;
                        }
                        if (t != JsonToken.START_OBJECT) {
                            throw bad("\"options\" is an object (or VW's option string for vw_cb)");
                        }
                        mapping = true;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            JsonToken vt = p.nextToken();
                            switch (key) {
                                case "epsilon" -> epsilon = number(p, vt, key);
                                case "alpha" -> alpha = number(p, vt, key);
                                case "lambda" -> lambda = number(p, vt, key);
                                case "v" -> v = number(p, vt, key);
                                case "thompson" -> thompson = text(p, vt, key);
                                case "form" -> form = text(p, vt, key);
                                case "hash_buckets" -> buckets = (int) integer(p, vt, key, Integer.MAX_VALUE);
                                case "min_probability" -> min = number(p, vt, key);
                                case "samples" -> samples = (int) integer(p, vt, key, Integer.MAX_VALUE);
                                case "seed" -> seed = integer(p, vt, key, Long.MAX_VALUE);
                                default -> throw bad("\"" + key + "\" is not a policy option (options: " + String.join(", ", KEYS)
                                        + Typos.hint(key, KEYS) + ")");
                            }
                        }
                    }
                    default -> throw bad("\"" + name + "\" is not a member (write {\"policy\": ..., \"options\": {...}})");
                }
            }
        } catch (JsonProcessingException e) {
            throw bad("is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw bad(e.getMessage());
        }
        if (kind == null) {
            throw bad("names no \"policy\" (policies: " + String.join(", ", POLICIES) + ")");
        }
        if (kind == PolicyKind.VW_CB && mapping) {
            throw bad("\"options\" of vw_cb is VW's option string, e.g. \"--cb_explore_adf --squarecb\", not an object");
        }
        if (kind != PolicyKind.VW_CB && vw != null) {
            throw bad("\"options\" of " + kind.yamlName() + " is an object, e.g. {\"alpha\": 0.5}; an option string is for vw_cb");
        }
        BanditOptions options;
        try {
            if (kind == PolicyKind.VW_CB) {
                String arguments = vw != null ? vw : BanditOptions.DEFAULT_VW_ARGUMENTS;
                List<String> problems = VwOptionRules.cbProblems(arguments);
                if (!problems.isEmpty()) {
                    throw bad(String.join("; ", problems));
                }
                options = new BanditOptions(epsilon, alpha, lambda, v, thompson, form, buckets, min, samples, seed, arguments);
            } else {
                options = new BanditOptions(epsilon, alpha, lambda, v, thompson, form, buckets, min, samples, seed, "");
            }
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        return new BanditDefinition(bandit.name(), kind, bandit.actions(), bandit.contextFeatures(), bandit.context(), bandit.reward(),
                options, bandit.publishInterval());
    }

    private static double number(JsonParser p, JsonToken t, String key) throws IOException {
        if (!t.isNumeric()) {
            throw bad("option " + key + " is not a number");
        }
        return p.getDoubleValue();
    }

    private static String text(JsonParser p, JsonToken t, String key) throws IOException {
        if (t != JsonToken.VALUE_STRING) { // getText() of an object would leave the parser inside it
            throw bad("option " + key + " is not a string");
        }
        return p.getText();
    }

    /** An integer option; a fraction or a value out of range is an error, never truncated (1.5 buckets is a mistake). */
    private static long integer(JsonParser p, JsonToken t, String key, long max) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw bad("option " + key + " is " + (t.isNumeric() ? p.getText() + ", not an integer" : "not an integer"));
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || Math.abs(p.getLongValue()) > max) {
            throw bad("option " + key + " is " + p.getText() + ", out of range");
        }
        return p.getLongValue();
    }

    private static InvalidInputException bad(String what) {
        return new InvalidInputException("--policy " + what);
    }
}
