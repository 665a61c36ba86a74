package dev.dynamini.http;

import dev.dynamini.metrics.DynamoUsage;

/** What the access log records of one finished request; also handed to an observer (tests, benchmark). */
public record RequestRecord(String requestId, String application, String method, String route, int status,
                            double millis, DynamoUsage dynamo) {
}
