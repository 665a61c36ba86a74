package dev.dynamini.dynamo;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The data-plane calls dynamini makes, each asking DynamoDB for the capacity it consumed and telling
 * the observer. Works the same on the SDK's HTTP client and on DynamoDB Local's in-process client.
 */
public final class MeteredDynamoDb {
    private final DynamoDbClient client;
    /** How single-item puts are sent: the client's own call, or a {@link GroupCommit} over it. */
    private final Function<PutItemRequest, PutItemResponse> puts;
    private final DynamoObserver observer;

    public MeteredDynamoDb(DynamoDbClient client, DynamoObserver observer) {
        this(client, client::putItem, observer);
    }

    public MeteredDynamoDb(DynamoDbClient client, Function<PutItemRequest, PutItemResponse> puts, DynamoObserver observer) {
        this.client = client;
        this.puts = puts;
        this.observer = observer;
    }

    public DynamoDbClient client() {
        return client;
    }

    public GetItemResponse getItem(GetItemRequest request) {
        return call("GetItem", true, () -> client.getItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                r -> r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity()));
    }

    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        return call("BatchGetItem", true, () -> client.batchGetItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                BatchGetItemResponse::consumedCapacity);
    }

    public QueryResponse query(QueryRequest request) {
        return call("Query", true, () -> client.query(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                r -> r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity()));
    }

    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        // a cancelled transaction still consumed capacity, but DynamoDB does not say how much:
        // it is counted as a failed request with no units
        return call("TransactWriteItems", false,
                () -> client.transactWriteItems(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                TransactWriteItemsResponse::consumedCapacity);
    }

    /**
     * A conditional write that fails still uses capacity, but DynamoDB does not say how much. A put
     * committed with others ({@link GroupCommit}) counts as one PutItem with its share of the units.
     */
    public PutItemResponse putItem(PutItemRequest request) {
        return call("PutItem", false, () -> puts.apply(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                r -> r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity()));
    }

    /** Retention's expiry marks, and the fences of the commit protocol. */
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return call("UpdateItem", false, () -> client.updateItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                r -> r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity()));
    }

    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return call("DeleteItem", false, () -> client.deleteItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                r -> r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity()));
    }

    /** Deletes of a purge: the units are those of the items it processed, not of the unprocessed ones. */
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        return call("BatchWriteItem", false, () -> client.batchWriteItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()),
                BatchWriteItemResponse::consumedCapacity);
    }

    private <T> T call(String operation, boolean read, Supplier<T> request, Function<T, List<ConsumedCapacity>> consumed) {
        long started = System.nanoTime();
        T response;
        try {
            response = request.get();
        } catch (RuntimeException e) {
            observer.failed(operation, e, Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        double units = 0;
        List<ConsumedCapacity> capacity = consumed.apply(response);
        if (capacity != null) {
            for (ConsumedCapacity c : capacity) {
                units += total(c, read ? ConsumedCapacity::readCapacityUnits : ConsumedCapacity::writeCapacityUnits);
            }
        }
        observer.called(operation, read ? units : 0, read ? 0 : units, took);
        return response;
    }

    private static double total(ConsumedCapacity c, Function<ConsumedCapacity, Double> specific) {
        Double units = specific.apply(c);
        if (units == null || units == 0) {
            units = c.capacityUnits();
        }
        return units == null ? 0 : units;
    }
}
