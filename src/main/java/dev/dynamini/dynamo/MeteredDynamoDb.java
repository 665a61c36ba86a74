package dev.dynamini.dynamo;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

/**
 * The data-plane calls dynamini makes, each asking DynamoDB for the capacity it consumed and telling
 * the observer. Works the same on the SDK's HTTP client and on DynamoDB Local's in-process client.
 */
public final class MeteredDynamoDb {
    private final DynamoDbClient client;
    private final DynamoObserver observer;

    public MeteredDynamoDb(DynamoDbClient client, DynamoObserver observer) {
        this.client = client;
        this.observer = observer;
    }

    public DynamoDbClient client() {
        return client;
    }

    public GetItemResponse getItem(GetItemRequest request) {
        GetItemResponse response = call("GetItem", () -> client.getItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()));
        report("GetItem", response.consumedCapacity() == null ? List.of() : List.of(response.consumedCapacity()), true);
        return response;
    }

    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        BatchGetItemResponse response = call("BatchGetItem", () -> client.batchGetItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()));
        report("BatchGetItem", response.consumedCapacity(), true);
        return response;
    }

    public QueryResponse query(QueryRequest request) {
        QueryResponse response = call("Query", () -> client.query(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()));
        report("Query", response.consumedCapacity() == null ? List.of() : List.of(response.consumedCapacity()), true);
        return response;
    }

    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        // a cancelled transaction still consumed capacity, but DynamoDB does not say how much:
        // it is counted as a failed request with no units
        TransactWriteItemsResponse response = call("TransactWriteItems", () ->
                client.transactWriteItems(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()));
        report("TransactWriteItems", response.consumedCapacity(), false);
        return response;
    }

    private <T> T call(String operation, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            observer.failed(operation, e);
            throw e;
        }
    }

    private void report(String operation, List<ConsumedCapacity> consumed, boolean read) {
        double units = 0;
        if (consumed != null) {
            for (ConsumedCapacity c : consumed) {
                units += total(c, read ? ConsumedCapacity::readCapacityUnits : ConsumedCapacity::writeCapacityUnits);
            }
        }
        observer.called(operation, read ? units : 0, read ? 0 : units);
    }

    private static double total(ConsumedCapacity c, Function<ConsumedCapacity, Double> specific) {
        Double units = specific.apply(c);
        if (units == null || units == 0) {
            units = c.capacityUnits();
        }
        return units == null ? 0 : units;
    }
}
