package dev.dynamini.metrics;

import dev.dynamini.dynamo.DynamoObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Prometheus metrics: HTTP requests by route template, method and status with a latency histogram;
 * DynamoDB requests by operation and the read and write capacity units DynamoDB reported. Also keeps
 * the DynamoDB usage of the request running on the current thread, for the access log.
 */
public final class Metrics implements DynamoObserver {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter readUnits = Counter.builder("dynamini_dynamodb_consumed_read_capacity_units")
            .description("Read capacity units DynamoDB reported as consumed").register(registry);
    private final Counter writeUnits = Counter.builder("dynamini_dynamodb_consumed_write_capacity_units")
            .description("Write capacity units DynamoDB reported as consumed").register(registry);
    /** Handlers run on one thread from start to end, so a thread-local follows one request. */
    private final ThreadLocal<DynamoUsage> currentRequest = new ThreadLocal<>();

    @Override
    public void called(String operation, double read, double write) {
        Counter.builder("dynamini_dynamodb_requests").description("DynamoDB requests made, by operation")
                .tag("operation", operation).register(registry).increment();
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
    }

    /** Starts counting DynamoDB usage for the request on this thread. */
    public void requestStarted() {
        currentRequest.set(DynamoUsage.NONE);
    }

    /** Stops counting and returns what the request on this thread used. */
    public DynamoUsage requestFinished(String method, String route, int status, Duration took) {
        DynamoUsage usage = currentRequest.get();
        currentRequest.remove();
        Timer.builder("dynamini_http_requests").description("HTTP requests by route template, method and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry).record(took);
        return usage == null ? DynamoUsage.NONE : usage;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
