package dev.freshet.app.api;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * An answer other than 200, decided while handling a request: its status, a stable snake_case
 * code clients can branch on, and a message that says what to fix. Rendered as
 * {@code {"error": {"code": ..., "message": ..., ...details}}}. Thrown once per bad request, so it
 * carries no stack trace.
 */
final class ApiError extends RuntimeException {

    static final String MALFORMED_JSON = "malformed_json";
    static final String INVALID_REQUEST = "invalid_request";
    static final String INVALID_FEATURE_REFERENCE = "invalid_feature_reference";
    static final String UNKNOWN_FEATURE_VIEW = "unknown_feature_view";
    static final String UNKNOWN_FEATURE = "unknown_feature";
    static final String FEATURE_NAME_COLLISION = "feature_name_collision";
    static final String MISSING_JOIN_KEY = "missing_join_key";
    static final String UNUSED_JOIN_KEY = "unused_join_key";
    static final String LENGTH_MISMATCH = "length_mismatch";
    static final String INVALID_ENTITY_VALUE = "invalid_entity_value";
    static final String TOO_MANY_ENTITIES = "too_many_entities";
    static final String REQUEST_TOO_LARGE = "request_too_large";
    static final String UNKNOWN_SOURCE = "unknown_source";
    static final String UNKNOWN_MODEL = "unknown_model";
    static final String MISSING_CONTEXT = "missing_context";
    static final String UNKNOWN_CONTEXT = "unknown_context";
    static final String UNKNOWN_BANDIT = "unknown_bandit";
    static final String INVALID_ACTIONS = "invalid_actions";
    static final String INVALID_REWARD = "invalid_reward";
    static final String INVALID_ROWS = "invalid_rows";
    static final String NOT_FOUND = "not_found";
    static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    static final String UNAVAILABLE = "unavailable";
    static final String SHUTTING_DOWN = "shutting_down";
    static final String INTERNAL_ERROR = "internal_error";

    private final int status;
    private final String code;
    private final Consumer<JsonOut> details;
    private final String allow;

    private ApiError(int status, String code, String message, Consumer<JsonOut> details, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.details = details;
        this.allow = allow;
    }

    static ApiError of(int status, String code, String message) {
        return new ApiError(status, code, message, null, null);
    }

    static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, message, null, null);
    }

    /**
     * A 400 with more members in the error object after {@code message}.
     *
     * @param details writes {@code ,"name":value} pairs, each starting with a comma
     */
    static ApiError badRequest(String code, String message, Consumer<JsonOut> details) {
        return new ApiError(400, code, message, details, null);
    }

    static ApiError tooLarge(String code, String message) {
        return new ApiError(413, code, message, null, null);
    }

    /** 405, with the {@code Allow} header naming the one method the endpoint takes. */
    static ApiError methodNotAllowed(String message, String allowedMethod) {
        return new ApiError(405, METHOD_NOT_ALLOWED, message, null, allowedMethod);
    }

    static ApiError unavailable(String message) {
        return new ApiError(503, UNAVAILABLE, message, null, null);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The value of the {@code Allow} header, or null. */
    String allow() {
        return allow;
    }

    /** The JSON body, into {@code out}. */
    void writeTo(JsonOut out) {
        out.raw('{').name("error").raw('{').name("code").string(code).raw(',').name("message").string(getMessage());
        if (details != null) {
            details.accept(out);
        }
        out.raw('}').raw('}');
    }
}
