package dev.dynamini.metrics;

/** What one HTTP request cost in DynamoDB: requests made and capacity units consumed. */
public record DynamoUsage(int requests, double readUnits, double writeUnits) {
    public static final DynamoUsage NONE = new DynamoUsage(0, 0, 0);

    DynamoUsage plus(double read, double write) {
        return new DynamoUsage(requests + 1, readUnits + read, writeUnits + write);
    }
}
