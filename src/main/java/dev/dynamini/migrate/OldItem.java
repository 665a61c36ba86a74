package dev.dynamini.migrate;

import dev.dynamini.store.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One collection or entry of dynamodb-mini with every version its table holds, in the order read.
 * {@code application} is null for entries (dynamodb-mini did not key them by application); parts of
 * a key that could not be read are null, and {@code problem} then says why.
 */
record OldItem(Kind kind, String application, String user, String collection, String id, List<OldVersion> versions, String problem) {

    /** The versions of one collection: items of the collections table with one key prefix. */
    static OldItem collection(List<Map<String, AttributeValue>> group) {
        Map<String, AttributeValue> first = group.get(0);
        String application = text(first, OldLayout.APPLICATION);
        String item = OldLayout.withoutStamp(text(first, OldLayout.USER_COLLECTION_VERSION));
        int hash = item.lastIndexOf('#');
        List<OldVersion> versions = versions(group, OldLayout.USER_COLLECTION_VERSION);
        if (hash < 0) {
            return new OldItem(Kind.COLLECTION, application, null, null, null, versions, "its key is not <user>#<collection>#<epoch ms>");
        }
        return new OldItem(Kind.COLLECTION, application, item.substring(0, hash), item.substring(hash + 1), item.substring(hash + 1),
                versions, null);
    }

    /** The versions of one entry: items of the entries table with one partition and id. */
    static OldItem entry(List<Map<String, AttributeValue>> group) {
        Map<String, AttributeValue> first = group.get(0);
        String partition = text(first, OldLayout.USER_COLLECTION);
        String id = OldLayout.withoutStamp(text(first, OldLayout.ENTRY_VERSION));
        List<OldVersion> versions = versions(group, OldLayout.ENTRY_VERSION);
        int hash = partition.endsWith("#") ? partition.lastIndexOf('#', partition.length() - 2) : -1;
        if (hash < 0) {
            return new OldItem(Kind.ENTRY, null, null, null, id, versions, "its partition key is not <user>#<collection>#");
        }
        return new OldItem(Kind.ENTRY, null, partition.substring(0, hash), partition.substring(hash + 1, partition.length() - 1), id,
                versions, null);
    }

    private static List<OldVersion> versions(List<Map<String, AttributeValue>> group, String versionKey) {
        List<OldVersion> versions = new ArrayList<>(group.size());
        for (Map<String, AttributeValue> stored : group) {
            String problem = null;
            for (String attribute : List.of(OldLayout.NAME, OldLayout.VALUE, OldLayout.DELETED_AT)) {
                AttributeValue value = stored.get(attribute);
                if (value != null && value.s() == null && !Boolean.TRUE.equals(value.nul())) {
                    problem = "a version's \"" + attribute + "\" is not a string";
                }
            }
            versions.add(new OldVersion(OldLayout.stamp(text(stored, versionKey)),
                    text(stored, OldLayout.NAME), text(stored, OldLayout.VALUE), text(stored, OldLayout.DELETED_AT), problem));
        }
        return versions;
    }

    private static String text(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }
}
