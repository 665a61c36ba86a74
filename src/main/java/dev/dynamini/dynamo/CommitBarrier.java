package dev.dynamini.dynamo;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs after a write that DynamoDB acknowledged and before dynamini answers it, so that the answer
 * never goes out ahead of the data reaching disk.
 *
 * <p>Real DynamoDB (and a DynamoDB Local at an endpoint, which owns its own file) acknowledges
 * only what it has made durable, so there the barrier does nothing. DynamoDB Local embedded in this
 * JVM does not: in 3.3.1, {@code SQLiteDBAccess.commitTransaction} queues its SQLite {@code COMMIT}
 * on the database's single job queue and returns without waiting for it. Every read goes through
 * that same queue, in order, and waits for its own job; so one read queued after the write returns
 * only once the {@code COMMIT} has run. SQLite's defaults (rollback journal, {@code synchronous=FULL})
 * make a finished {@code COMMIT} durable.
 */
public interface CommitBarrier {
    CommitBarrier NONE = new CommitBarrier() {
        @Override
        public void awaitDurable(String table, Map<String, AttributeValue> key, long version) {
        }

        @Override
        public void awaitAll(String table) {
        }
    };

    /**
     * Returns once the write that left the item at {@code key} at {@code version} is durable.
     *
     * @throws NotDurableException if the item does not show that version afterwards
     */
    void awaitDurable(String table, Map<String, AttributeValue> key, long version);

    /**
     * Returns once every write acknowledged so far is durable. For writes that leave nothing to read
     * back, such as a purge's deletes: any strongly consistent read queues behind them all.
     */
    void awaitAll(String table);

    /** The write was acknowledged but cannot be shown to have reached disk. */
    final class NotDurableException extends RuntimeException {
        public NotDurableException(String message) {
            super(message);
        }
    }
}
