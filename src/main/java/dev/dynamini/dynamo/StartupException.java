package dev.dynamini.dynamo;

/** DynamoDB is not in a state dynamini can run on (for example a table with another key schema). */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
