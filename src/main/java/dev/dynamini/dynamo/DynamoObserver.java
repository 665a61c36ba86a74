package dev.dynamini.dynamo;

/** Told of every DynamoDB request dynamini makes, with the capacity DynamoDB says it consumed. */
public interface DynamoObserver {
    DynamoObserver NONE = (operation, readUnits, writeUnits) -> { };

    void called(String operation, double readUnits, double writeUnits);

    /** The request failed (after the SDK's retries); by default counted like any other request. */
    default void failed(String operation, Throwable error) {
        called(operation, 0, 0);
    }
}
