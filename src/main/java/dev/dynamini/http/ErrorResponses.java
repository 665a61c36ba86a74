package dev.dynamini.http;

import dev.dynamini.store.ContentionException;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.NameTakenException;
import dev.dynamini.store.NotFoundException;
import dev.dynamini.store.VersionMismatchException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Every failure becomes {@code {"error", "message"}} with a status a client can act on. Only a bug
 * of ours is a 500, and it shows the request id, never a stack trace.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    /** Set once a handler has written an error body, so the status-based handlers leave it alone. */
    private static final String ANSWERED = "dynamini.errorAnswered";

    private final JsonOut json;

    ErrorResponses(JsonOut json) {
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.exception(ApiError.class, (e, ctx) -> send(ctx, e));
        routes.exception(InvalidInputException.class, (e, ctx) -> send(ctx, ApiError.badRequest(e.getMessage())));
        routes.exception(NotFoundException.class, (e, ctx) -> send(ctx, new ApiError(404, "not_found", e.getMessage())));
        routes.exception(NameTakenException.class, (e, ctx) -> send(ctx, new ApiError(409, "conflict", e.getMessage(), e.holder())));
        routes.exception(ContentionException.class, (e, ctx) -> send(ctx, new ApiError(409, "contention", e.getMessage())));
        routes.exception(VersionMismatchException.class, (e, ctx) -> {
            ctx.header("ETag", Requests.etag(e.current().version()));
            send(ctx, new ApiError(412, "precondition_failed", e.getMessage(), e.current()));
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, fromJavalin(e)));
        routes.exception(Exception.class, this::unexpected);
        routes.error(404, ctx -> unanswered(ctx, new ApiError(404, "not_found", "no route " + ctx.method() + " " + ctx.path())));
        routes.error(405, ctx -> unanswered(ctx, new ApiError(405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path())));
    }

    private void unexpected(Exception e, Context ctx) {
        ApiError answer = dynamoFailure(e);
        if (answer == null) {
            LOG.error("request {} failed", ctx.attribute(AccessLog.REQUEST_ID), e);
            answer = new ApiError(500, "internal", "internal error; request id " + ctx.attribute(AccessLog.REQUEST_ID));
        } else {
            LOG.warn("request {}: DynamoDB {}: {}", ctx.attribute(AccessLog.REQUEST_ID), answer.code(), e.toString());
            ctx.header("Retry-After", "1");
        }
        send(ctx, answer);
    }

    /** Throttling after the SDK's retries is 429; DynamoDB out of reach or failing is 503. */
    static ApiError dynamoFailure(Throwable e) {
        if (e instanceof ProvisionedThroughputExceededException || e instanceof RequestLimitExceededException
                || (e instanceof DynamoDbException d && d.isThrottlingException())) {
            return new ApiError(429, "throttled", "DynamoDB is throttling requests; retry after a moment");
        }
        if (e instanceof ResourceNotFoundException) {
            return new ApiError(503, "unavailable", "the DynamoDB tables are not available");
        }
        if (e instanceof SdkClientException || (e instanceof DynamoDbException d && d.statusCode() >= 500)) {
            return new ApiError(503, "unavailable", "DynamoDB is unreachable or failing; retry later");
        }
        return null;
    }

    private static ApiError fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 413 -> new ApiError(413, "payload_too_large", "the body is larger than MAX_BODY_BYTES");
            case 400 -> ApiError.badRequest(e.getMessage());
            case 404 -> new ApiError(404, "not_found", "no such route");
            case 405 -> new ApiError(405, "method_not_allowed", "this method is not allowed on this route");
            default -> new ApiError(e.getStatus(), "http_" + e.getStatus(), e.getMessage());
        };
    }

    private void unanswered(Context ctx, ApiError error) {
        if (ctx.attribute(ANSWERED) == null) {
            send(ctx, error);
        }
    }

    private void send(Context ctx, ApiError error) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.status(error.status());
        Bodies.send(ctx, json.error(error));
    }
}
