package dev.dynamini.http;

import dev.dynamini.dynamo.CommitBarrier;
import dev.dynamini.dynamo.UnconfirmedCommitException;
import dev.dynamini.schema.InvalidSchemaException;
import dev.dynamini.store.BatchRejectedException;
import dev.dynamini.store.ContentionException;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.NameTakenException;
import dev.dynamini.store.NotFoundException;
import dev.dynamini.store.SchemaViolationException;
import dev.dynamini.store.TrimmedException;
import dev.dynamini.store.VersionMismatchException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Every failure becomes {@code {"error", "message"}} with a status a client can act on. Only a bug
 * of ours is a 500, and it shows the request id, never a stack trace.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    /** Set once a handler has written an error body, so the status-based handlers leave it alone. */
    private static final String ANSWERED = "dynamini.errorAnswered";
    /** Seconds a client should wait after a 429 or 503 before trying again. */
    static final String RETRY_AFTER_SECONDS = "1";
    /** DynamoDB refusing dynamini's own credentials: the operator's problem, not the client's. */
    private static final Set<String> CREDENTIAL_ERRORS = Set.of("UnrecognizedClientException", "AccessDeniedException",
            "ExpiredTokenException", "InvalidSignatureException", "MissingAuthenticationTokenException",
            "IncompleteSignatureException", "InvalidClientTokenId");

    private final JsonOut json;
    private final Function<String, Set<String>> allowedMethods;

    /** {@code allowedMethods} gives the methods that have a route at a path (for a 405's Allow header). */
    ErrorResponses(JsonOut json, Function<String, Set<String>> allowedMethods) {
        this.json = json;
        this.allowedMethods = allowedMethods;
    }

    void register(RoutesConfig routes) {
        routes.exception(ApiError.class, (e, ctx) -> send(ctx, e));
        // the store's refusals: one mapping, shared with a batch's (which names the change)
        routes.exception(InvalidInputException.class, (e, ctx) -> send(ctx, ofStore(e)));
        routes.exception(SchemaViolationException.class, (e, ctx) -> send(ctx, ofStore(e)));
        routes.exception(InvalidSchemaException.class, (e, ctx) -> send(ctx, ofStore(e)));
        routes.exception(NotFoundException.class, (e, ctx) -> send(ctx, ofStore(e)));
        routes.exception(TrimmedException.class, (e, ctx) -> send(ctx, ofStore(e)));
        routes.exception(NameTakenException.class, (e, ctx) -> send(ctx, ofStore(e)));
        routes.exception(ContentionException.class, (e, ctx) -> send(ctx, ofStore(e)));
        routes.exception(VersionMismatchException.class, (e, ctx) -> {
            ctx.header("ETag", Requests.etag(e.current().version()));
            send(ctx, ofStore(e));
        });
        routes.exception(BatchRejectedException.class, (e, ctx) -> send(ctx, ofBatch(e)));
        routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, fromJavalin(e, ctx)));
        routes.exception(Exception.class, this::unexpected);
        routes.error(404, ctx -> unanswered(ctx, notFound(ctx)));
        routes.error(405, ctx -> unanswered(ctx, methodNotAllowed(ctx)));
    }

    /** What the store's refusal of a change answers, or null for an exception that is none of them. */
    private static ApiError ofStore(RuntimeException e) {
        if (e instanceof InvalidInputException) {
            return ApiError.badRequest(e.getMessage());
        } else if (e instanceof SchemaViolationException violation) {
            return new ApiError(400, "schema_violation", e.getMessage(), null, violation.problems());
        } else if (e instanceof InvalidSchemaException invalid) {
            return new ApiError(400, "invalid_schema", e.getMessage(), null, invalid.problems());
        } else if (e instanceof NotFoundException) {
            return new ApiError(404, "not_found", e.getMessage());
        } else if (e instanceof TrimmedException) {
            return new ApiError(410, "gone", e.getMessage());
        } else if (e instanceof NameTakenException taken) {
            return new ApiError(409, "conflict", e.getMessage(), taken.holder());
        } else if (e instanceof ContentionException) {
            return new ApiError(409, "contention", e.getMessage());
        } else if (e instanceof VersionMismatchException mismatch) {
            return new ApiError(412, "precondition_failed", e.getMessage(), mismatch.current());
        }
        return null;
    }

    /**
     * A refused batch: what the change's single-item route would answer (without that route's
     * ETag: the answer is not one item's), naming the change.
     */
    private static ApiError ofBatch(BatchRejectedException e) {
        ApiError answer = ofStore(e.reason());
        if (answer == null) {
            LOG.error("a batch was refused for a reason without an answer", e.reason());
            return new ApiError(500, "internal", "internal error");
        }
        return answer.forChange(e.change());
    }

    private void unexpected(Exception e, Context ctx) {
        Object requestId = ctx.attribute(AccessLog.REQUEST_ID);
        ApiError answer = dynamoFailure(e);
        if (answer != null) {
            // the exception's text names the operation and DynamoDB's reason, never keys or values
            LOG.warn("request {}: DynamoDB {}: {}", requestId, answer.code(), e.toString());
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        } else if ((answer = refusedAsInvalid(e)) != null) {
            // input past one of DynamoDB's limits that our own checks let through: the client gets
            // a 400, and the gap in those checks gets a log line
            LOG.warn("request {}: DynamoDB refused the request as invalid: {}", requestId, e.toString());
        } else {
            LOG.error("request {} failed", requestId, e);
            answer = new ApiError(500, "internal", "internal error; request id " + requestId);
        }
        send(ctx, answer);
    }

    /** DynamoDB finding a request invalid: only what a client sent can make a well-formed request so. */
    static ApiError refusedAsInvalid(Throwable e) {
        boolean invalid = e instanceof DynamoDbException d && d.statusCode() == 400 && d.awsErrorDetails() != null
                && "ValidationException".equals(d.awsErrorDetails().errorCode());
        if (e instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()) {
            invalid = cancelled.cancellationReasons().stream().anyMatch(r -> "ValidationError".equals(r.code()));
        }
        return invalid ? ApiError.badRequest("DynamoDB refused the request as invalid (a key or an item beyond its limits)") : null;
    }

    /** Throttling after the SDK's retries is 429; DynamoDB out of reach or failing is 503. */
    static ApiError dynamoFailure(Throwable e) {
        if (e instanceof UnconfirmedCommitException) {
            return new ApiError(503, "unavailable", "the change was recorded but DynamoDB failed before it was made visible;"
                    + " it becomes visible with the item's next change: read the item before retrying");
        }
        if (e instanceof CommitBarrier.NotDurableException) {
            return new ApiError(503, "unavailable", "the change could not be confirmed on disk; read the item before retrying");
        }
        if (isThrottling(e)) {
            return new ApiError(429, "throttled", "DynamoDB is throttling requests; retry after a moment");
        }
        if (e instanceof ResourceNotFoundException) {
            return new ApiError(503, "unavailable", "the DynamoDB tables are not available");
        }
        if (e instanceof DynamoDbException d && (d.statusCode() == 403
                || (d.awsErrorDetails() != null && CREDENTIAL_ERRORS.contains(d.awsErrorDetails().errorCode())))) {
            return new ApiError(503, "unavailable", "DynamoDB refused the server's credentials; retry later");
        }
        if (e instanceof SdkClientException || (e instanceof DynamoDbException d && d.statusCode() >= 500)) {
            return new ApiError(503, "unavailable", "DynamoDB is unreachable or failing; retry later");
        }
        return null;
    }

    private static boolean isThrottling(Throwable e) {
        if (e instanceof ProvisionedThroughputExceededException || e instanceof RequestLimitExceededException
                || (e instanceof DynamoDbException d && d.isThrottlingException())) {
            return true;
        }
        // a transaction DynamoDB cancelled because it throttled one of its items (other items'
        // conditions may have failed as well: a retry will tell)
        return e instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()
                && cancelled.cancellationReasons().stream().anyMatch(r -> "ThrottlingError".equals(r.code()));
    }

    /** The {@code error} code of a status that has no more specific one. */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 410 -> "gone";
            case 411 -> "length_required";
            case 412 -> "precondition_failed";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 422 -> "unprocessable_entity";
            case 429 -> "throttled";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            case 501 -> "not_implemented";
            case 503 -> "unavailable";
            default -> "http_" + status;
        };
    }

    private ApiError fromJavalin(HttpResponseException e, Context ctx) {
        return switch (e.getStatus()) {
            case 413 -> new ApiError(413, "payload_too_large", "the body is larger than MAX_BODY_BYTES ("
                    + ctx.attribute(Bodies.MAX_BYTES) + " bytes)");
            case 404 -> notFound(ctx);
            case 405 -> methodNotAllowed(ctx);
            default -> new ApiError(e.getStatus(), codeFor(e.getStatus()), e.getMessage());
        };
    }

    private static ApiError notFound(Context ctx) {
        return new ApiError(404, "not_found", "no route " + ctx.method().name() + " " + ctx.path());
    }

    private ApiError methodNotAllowed(Context ctx) {
        Set<String> allowed = allowedMethods.apply(ctx.path());
        if (!allowed.isEmpty()) {
            ctx.header("Allow", String.join(", ", allowed));
        }
        return new ApiError(405, "method_not_allowed", ctx.method().name() + " is not allowed on " + ctx.path()
                + (allowed.isEmpty() ? "" : "; allowed: " + String.join(", ", allowed)));
    }

    private void unanswered(Context ctx, ApiError error) {
        if (ctx.attribute(ANSWERED) == null) {
            send(ctx, error);
        }
    }

    private void send(Context ctx, ApiError error) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        if (!Bodies.abortIfStreaming(ctx, error, error.status())) {
            ctx.status(error.status());
            Bodies.send(ctx, json.error(error));
        }
    }
}
