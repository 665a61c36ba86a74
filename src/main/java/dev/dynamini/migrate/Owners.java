package dev.dynamini.migrate;

import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The application each entry belongs to. dynamodb-mini keyed entries by user and collection only,
 * so the owner is the application whose collections table holds that user's collection: looked up
 * in every application seen in the collections table (a query each, reading only that collection's
 * versions). An entry whose collection is under no application or under several, or whose collection
 * cannot be imported, has no owner, and the reason says why.
 *
 * <p>Entries of one collection come one after the other in a scan, so the last answer is kept.
 */
final class Owners {
    /** An application, or the reason there is none. */
    record Owner(String application, String problem) {
    }

    private final OldTables old;
    private final HistoryMapper mapper;
    /** Whether the collection is in dynamini: an import checks, as its collection may have been skipped. */
    private final Predicate<ItemKey> inDynamini;
    private final Set<String> applications = new TreeSet<>();
    private String lastCollection;
    private Owner lastOwner;

    Owners(OldTables old, HistoryMapper mapper, Predicate<ItemKey> inDynamini) {
        this.old = old;
        this.mapper = mapper;
        this.inDynamini = inDynamini;
    }

    /** An application that holds collections (the collections pass tells each one). */
    void noteApplication(String application) {
        if (application != null) {
            applications.add(application);
        }
    }

    Owner of(String user, String collection) {
        String key = user + '#' + collection;
        if (!key.equals(lastCollection)) {
            lastOwner = find(user, collection);
            lastCollection = key;
        }
        return lastOwner;
    }

    private Owner find(String user, String collection) {
        List<String> owners = new ArrayList<>();
        List<Map<String, AttributeValue>> versions = List.of();
        for (String application : applications) {
            List<Map<String, AttributeValue>> found = old.collectionVersions(application, user, collection);
            if (!found.isEmpty()) {
                owners.add(application);
                versions = found;
            }
        }
        if (owners.isEmpty()) {
            return new Owner(null, "its collection is in no application's collections (entries carry no application)");
        }
        if (owners.size() > 1) {
            return new Owner(null, "its collection is found under " + owners.size() + " applications (" + String.join(", ",
                    owners.stream().map(Report::safe).toList()) + "), and entries carry no application to tell which owns it");
        }
        String application = owners.get(0);
        try {
            mapper.versions(OldItem.collection(versions), application);
        } catch (NotImportable e) {
            return new Owner(application, "its collection is not imported: " + e.getMessage());
        }
        if (!inDynamini.test(Scope.collectionsOf(application, user).item(collection))) {
            return new Owner(application, "its collection is not in dynamini (see the collection's line above)");
        }
        return new Owner(application, null);
    }
}
