package dev.dynamini.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Wraps the SDK's HTTP client to answer chosen DynamoDB operations the way DynamoDB does when it
 * throttles: HTTP 400 with ProvisionedThroughputExceededException, without the request reaching
 * DynamoDB. The SDK sees a real throttling response, so its own retries and backoff run as in
 * production. Can also hold chosen operations until released, to keep requests in flight. Counts
 * the attempts that reach the wire, per operation.
 */
public final class FaultyHttpClient implements SdkHttpClient {
    private static final String THROTTLED_BODY = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
            + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}";

    private final SdkHttpClient delegate;
    private static final String TRANSACTION_THROTTLED = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
            + "\"message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]\","
            + "\"CancellationReasons\":[{\"Code\":\"None\"},{\"Code\":\"ThrottlingError\","
            + "\"Message\":\"Throughput exceeds the current capacity of your table or index.\"}]}";

    private static final String INVALID_BODY = "{\"__type\":\"com.amazon.coral.validate#ValidationException\","
            + "\"message\":\"One or more parameter values were invalid: forged by the test\"}";
    private static final String TRANSACTION_INVALID_BODY = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
            + "\"message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError, None]\","
            + "\"CancellationReasons\":[{\"Code\":\"ValidationError\",\"Message\":\"Item size has exceeded the maximum allowed size\"},"
            + "{\"Code\":\"None\"}]}";

    /** What DynamoDB answers in {@link #fail}. */
    public enum Failure {
        /** ProvisionedThroughputExceededException, which the SDK retries. */
        THROTTLED(THROTTLED_BODY),
        /** ValidationException: DynamoDB finds the request invalid. */
        INVALID(INVALID_BODY),
        /** TransactionCanceledException with a ValidationError reason. */
        TRANSACTION_INVALID(TRANSACTION_INVALID_BODY);

        private final String body;

        Failure(String body) {
            this.body = body;
        }
    }

    private record Fault(Failure failure, AtomicInteger passing) {
    }

    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private volatile Set<String> throttled = Set.of();
    private volatile boolean cancelTransactions;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private volatile Set<String> held = Set.of();
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final AtomicInteger waiting = new AtomicInteger();

    public FaultyHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /** From now on every attempt of these operations (e.g. "GetItem") is throttled; none: stop throttling. */
    public void throttle(String... operations) {
        throttled = Set.of(operations);
    }

    /**
     * From now on TransactWriteItems is cancelled the way DynamoDB cancels a transaction when it
     * throttles one of its items: TransactionCanceledException with a ThrottlingError reason,
     * which the SDK does not retry. False: stop.
     */
    public void cancelTransactionsAsThrottled(boolean on) {
        cancelTransactions = on;
    }

    /**
     * Once {@code passing} more attempts of the operation have gone through, every further attempt
     * gets the failure's answer, until {@link #clearFailures()}.
     */
    public void fail(String operation, int passing, Failure failure) {
        faults.put(operation, new Fault(failure, new AtomicInteger(passing)));
    }

    public void clearFailures() {
        faults.clear();
    }

    /** From now on attempts of these operations wait (before reaching DynamoDB) until {@link #release()}. */
    public void hold(String... operations) {
        release = new CountDownLatch(1);
        held = Set.of(operations);
    }

    /** Lets every held attempt go on to DynamoDB, and holds no more. */
    public void release() {
        held = Set.of();
        release.countDown();
    }

    /** Attempts waiting in {@link #hold} right now. */
    public int waiting() {
        return waiting.get();
    }

    /** Attempts of this operation sent so far (throttled ones included). */
    public int attempts(String operation) {
        AtomicInteger n = attempts.get(operation);
        return n == null ? 0 : n.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        String operation = target.substring(target.indexOf('.') + 1);
        attempts.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
        if (held.contains(operation)) {
            awaitRelease();
        }
        boolean cancel = cancelTransactions && operation.equals("TransactWriteItems");
        Fault fault = faults.get(operation);
        boolean failed = fault != null && fault.passing().getAndDecrement() <= 0;
        if (!throttled.contains(operation) && !cancel && !failed) {
            return delegate.prepareRequest(request);
        }
        String answer = failed ? fault.failure().body : cancel ? TRANSACTION_THROTTLED : THROTTLED_BODY;
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(400)
                                .putHeader("Content-Type", "application/x-amz-json-1.0")
                                .putHeader("Content-Length", Integer.toString(body.length))
                                .putHeader("x-amzn-RequestId", "throttled-by-test")
                                .build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                        .build();
            }

            @Override
            public void abort() {
            }
        };
    }

    private void awaitRelease() {
        waiting.incrementAndGet();
        try {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a held DynamoDB request was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.decrementAndGet();
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
