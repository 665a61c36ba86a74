package dev.dynamini.metrics;

import dev.dynamini.dynamo.DynamoObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Prometheus metrics: HTTP requests by route template, method and status with a latency histogram;
 * DynamoDB requests by operation and outcome and the read and write capacity units DynamoDB
 * reported. Also keeps the DynamoDB usage of the request running on the current thread, for the
 * access log.
 */
public final class Metrics implements DynamoObserver, AutoCloseable {
    /** Under dev.dynamini, so that DEBUG=true turns it on. */
    private static final Logger CALLS = LoggerFactory.getLogger("dev.dynamini.dynamodb");
    /**
     * Histogram buckets. A fixed, short list rather than Micrometer's ~70 percentile buckets, as
     * every route, method and status multiplies them into series of their own.
     */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter readUnits = Counter.builder("dynamini_dynamodb_consumed_read_capacity_units")
            .description("Read capacity units DynamoDB reported as consumed").register(registry);
    private final Counter writeUnits = Counter.builder("dynamini_dynamodb_consumed_write_capacity_units")
            .description("Write capacity units DynamoDB reported as consumed").register(registry);
    private final Counter tooSlowBodies = Counter.builder("dynamini_http_request_bodies_too_slow")
            .description("Requests cut off with 408 because their body arrived too slowly (never routed)").register(registry);
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Handlers run on one thread from start to end, so a thread-local follows one request. */
    private final ThreadLocal<DynamoUsage> currentRequest = new ThreadLocal<>();
    private final ThreadLocal<String> currentRequestId = new ThreadLocal<>();
    /**
     * Meters by their tags, so the hot path is one map lookup rather than building and registering
     * a meter on every request (the label sets are bounded: route templates, known methods).
     */
    private final Map<String, Timer> httpRequests = new ConcurrentHashMap<>();
    private final Map<String, Counter> dynamoRequests = new ConcurrentHashMap<>();
    /** By application: bounded by the key list, unlike anything a client sends. */
    private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();

    /** Listens to the JVM's GC notifications until closed. */
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public Metrics() {
        Gauge.builder("dynamini_http_requests_in_flight", inFlight, AtomicInteger::get)
                .description("HTTP requests being served right now").register(registry);
        // what Micrometer ships for the JVM and the process: memory, GC, threads, classes, CPU,
        // uptime, open files
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /**
     * Gauges of the change feed's live readers: {@code waiting} reads ({@code ?wait=}) and open
     * {@code streams} (Server-Sent Events), with the most each may reach on this instance.
     */
    public void liveFeeds(IntSupplier waiting, IntSupplier streams, int maxWaiting, int maxStreams) {
        // strong references: the suppliers are lambdas nobody else holds
        Gauge.builder("dynamini_feed_waiting", waiting, IntSupplier::getAsInt).strongReference(true)
                .description("change feed reads waiting for a change (?wait=)").register(registry);
        Gauge.builder("dynamini_feed_streams", streams, IntSupplier::getAsInt).strongReference(true)
                .description("open change feed streams (text/event-stream)").register(registry);
        Gauge.builder("dynamini_feed_waiting_max", () -> maxWaiting).strongReference(true)
                .description("FEED_MAX_WAITING: the most waiting reads this instance takes").register(registry);
        Gauge.builder("dynamini_feed_streams_max", () -> maxStreams).strongReference(true)
                .description("FEED_MAX_STREAMS: the most streams this instance takes").register(registry);
    }

    @Override
    public void close() {
        gcMetrics.close();
    }

    @Override
    public void called(String operation, double read, double write, Duration took) {
        count(operation, "ok", read, write, took);
    }

    @Override
    public void failed(String operation, Throwable error, Duration took) {
        count(operation, outcome(error), 0, 0, took);
    }

    private void count(String operation, String outcome, double read, double write, Duration took) {
        dynamoRequests.computeIfAbsent(operation + " " + outcome, key -> Counter.builder("dynamini_dynamodb_requests")
                .description("DynamoDB requests made, by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome).register(registry)).increment();
        if (read > 0) {
            readUnits.increment(read);
        }
        if (write > 0) {
            writeUnits.increment(write);
        }
        DynamoUsage usage = currentRequest.get();
        if (usage != null) {
            currentRequest.set(usage.plus(read, write));
        }
        if (CALLS.isDebugEnabled()) {
            // DEBUG=true: each DynamoDB call of a request, by its request id; never keys or values
            String id = currentRequestId.get();
            CALLS.debug("id={} op={} outcome={} ms={} rcu={} wcu={}", id == null ? "-" : id, operation, outcome,
                    String.format("%.1f", took.toNanos() / 1e6), read, write);
        }
    }

    /**
     * ok; rejected (a condition failed: normal, e.g. a name clash or a lost race); throttled (after
     * the SDK's retries); unavailable (unreachable, timed out, 5xx); error (anything else).
     */
    static String outcome(Throwable error) {
        if (error instanceof DynamoDbException d && d.isThrottlingException()) {
            return "throttled";
        }
        if (error instanceof TransactionCanceledException cancelled) {
            boolean throttled = cancelled.hasCancellationReasons()
                    && cancelled.cancellationReasons().stream().anyMatch(r -> "ThrottlingError".equals(r.code()));
            return throttled ? "throttled" : "rejected";
        }
        if (error instanceof ConditionalCheckFailedException) {
            return "rejected";
        }
        if (error instanceof SdkClientException || (error instanceof DynamoDbException d && d.statusCode() >= 500)) {
            return "unavailable";
        }
        return "error";
    }

    /** Starts counting DynamoDB usage for the request on this thread. */
    public void requestStarted(String requestId) {
        inFlight.incrementAndGet();
        currentRequest.set(DynamoUsage.NONE);
        currentRequestId.set(requestId);
    }

    /** Stops counting and returns what the request on this thread used. */
    public DynamoUsage requestFinished(String method, String route, int status, Duration took) {
        DynamoUsage usage = currentRequest.get();
        if (usage != null) {
            inFlight.decrementAndGet();
            currentRequest.remove();
            currentRequestId.remove();
        }
        httpRequests.computeIfAbsent(method + " " + route + " " + status, key -> Timer.builder("dynamini_http_requests")
                .description("HTTP requests by route template, method and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)).record(took);
        return usage == null ? DynamoUsage.NONE : usage;
    }

    /**
     * A request cut off while its body was still arriving. It never reached a route, so it has no
     * place in the per-route histogram.
     */
    public void requestBodyTooSlow() {
        tooSlowBodies.increment();
    }

    /** A request refused with 429 because its key was over its rate limit. */
    public void rateLimited(String application) {
        rateLimited.computeIfAbsent(application, app -> Counter.builder("dynamini_http_requests_rate_limited")
                .description("Requests refused with 429 rate_limited: the API key was over its rate limit (per instance)")
                .tag("application", app).register(registry)).increment();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
