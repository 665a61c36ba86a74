package dev.dynamini.dynamo;

import java.time.Duration;

/** Told of every DynamoDB request dynamini makes, how long it took and the capacity DynamoDB says it consumed. */
public interface DynamoObserver {
    DynamoObserver NONE = (operation, readUnits, writeUnits, took) -> { };

    void called(String operation, double readUnits, double writeUnits, Duration took);

    /** The request failed (after the SDK's retries); by default counted like any other request. */
    default void failed(String operation, Throwable error, Duration took) {
        called(operation, 0, 0, took);
    }
}
