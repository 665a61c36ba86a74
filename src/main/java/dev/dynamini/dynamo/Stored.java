package dev.dynamini.dynamo;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Where an item is stored: its table and key. */
record Stored(String table, String partition, String sortKey) {
    static Stored of(String table, Map<String, AttributeValue> item) {
        return new Stored(table, item.get(KeyLayout.PK).s(), item.get(KeyLayout.SK).s());
    }
}
