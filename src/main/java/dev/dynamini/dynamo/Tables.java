package dev.dynamini.dynamo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Creates the two tables (and their indexes: the collections table's byApplication, and the
 * change feed's) when they are missing, adds the change feed's indexes to tables made before them, and refuses to
 * start on existing tables whose keys are not the ones dynamini writes.
 */
public final class Tables {
    private static final Logger LOG = LoggerFactory.getLogger(Tables.class);
    private static final List<KeySchemaElement> TABLE_KEYS = List.of(
            KeySchemaElement.builder().attributeName(KeyLayout.PK).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(KeyLayout.SK).keyType(KeyType.RANGE).build());
    private static final List<KeySchemaElement> INDEX_KEYS = List.of(
            KeySchemaElement.builder().attributeName(KeyLayout.APP).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(KeyLayout.SK).keyType(KeyType.RANGE).build());

    /**
     * The optional indexes of a table, keys only and sparse (only versions of applications that
     * want them carry their keys): the change feed's and the time index of as-of reads
     * (docs/storage.md).
     */
    private record OptionalIndex(String name, String partitionAttribute, String rangeAttribute) {
        List<KeySchemaElement> keys() {
            return List.of(
                    KeySchemaElement.builder().attributeName(partitionAttribute).keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName(rangeAttribute).keyType(KeyType.RANGE).build());
        }

        GlobalSecondaryIndex.Builder definition() {
            return GlobalSecondaryIndex.builder().indexName(name).keySchema(keys()).projection(p -> p.projectionType(ProjectionType.KEYS_ONLY));
        }
    }

    private static List<OptionalIndex> optionalIndexes(boolean collections) {
        OptionalIndex byChange = new OptionalIndex(KeyLayout.BY_CHANGE, KeyLayout.PK, KeyLayout.FEED_POSITION);
        OptionalIndex byItemTime = new OptionalIndex(KeyLayout.BY_ITEM_TIME, KeyLayout.ITEM, KeyLayout.ITEM_TIME);
        return collections
                ? List.of(byChange, new OptionalIndex(KeyLayout.BY_APPLICATION_CHANGE, KeyLayout.FEED_BUCKET, KeyLayout.FEED_POSITION), byItemTime)
                : List.of(byChange, byItemTime);
    }

    private final DynamoDbClient client;
    private final TableNames names;
    private final Optional<ProvisionedThroughput> throughput;

    public Tables(DynamoDbClient client, TableNames names, Optional<Long> readUnits, Optional<Long> writeUnits) {
        this.client = client;
        this.names = names;
        this.throughput = readUnits.flatMap(r -> writeUnits.map(w ->
                ProvisionedThroughput.builder().readCapacityUnits(r).writeCapacityUnits(w).build()));
    }

    public void ensure() {
        ensure(names.collections(), true);
        ensure(names.entries(), false);
    }

    /**
     * Turns DynamoDB's TTL on for both tables, on {@code expiresAt} (retention's expiry marks):
     * nothing to do when it is on already (or being turned on), and a concurrent start-up that
     * turned it on first is no error. TTL on another attribute stops start-up: a table has one TTL
     * attribute, and it would be deleting items by a rule that is not dynamini's.
     *
     * @throws StartupException when a table's TTL is on another attribute
     * @throws DynamoDbException when DynamoDB refuses (e.g. no permission for UpdateTimeToLive)
     */
    public void ensureTimeToLive() {
        ensureTimeToLive(names.collections(), "TABLE_NAME_COLLECTIONS");
        ensureTimeToLive(names.entries(), "TABLE_NAME_ENTRIES");
    }

    /** The TTL attribute of a table, when TTL is on or being turned on (for tests and checks). */
    public Optional<String> timeToLiveAttribute(String table) {
        TimeToLiveDescription ttl = client.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        return ttl != null && (ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING)
                ? Optional.ofNullable(ttl.attributeName())
                : Optional.empty();
    }

    private void ensureTimeToLive(String table, String variable) {
        TimeToLiveDescription ttl = client.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        TimeToLiveStatus status = ttl == null ? null : ttl.timeToLiveStatus();
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            if (!ItemCodec.EXPIRES_AT.equals(ttl.attributeName())) {
                throw new StartupException("table " + table + " (" + variable + ") has TTL on the attribute '" + ttl.attributeName()
                        + "', but dynamini's retention needs it on '" + ItemCodec.EXPIRES_AT + "'; turn that TTL off or point "
                        + variable + " at another table", null);
            }
            return;
        }
        if (status == TimeToLiveStatus.DISABLING) {
            // DynamoDB refuses to turn it on again until it is off; reads hide expired versions meanwhile
            LOG.warn("TTL of table {} is being turned off: expired versions are hidden from reads but not deleted until a restart"
                    + " turns TTL on again", table);
            return;
        }
        try {
            client.updateTimeToLive(r -> r.tableName(table)
                    .timeToLiveSpecification(t -> t.attributeName(ItemCodec.EXPIRES_AT).enabled(true)));
            LOG.info("turned on TTL (attribute {}) on table {}", ItemCodec.EXPIRES_AT, table);
        } catch (DynamoDbException refused) {
            // another instance starting at the same time may have turned it on first
            if (!timeToLiveAttribute(table).map(ItemCodec.EXPIRES_AT::equals).orElse(false)) {
                throw refused;
            }
        }
    }

    /** True when both tables exist and are active (for /ready). */
    public boolean ready() {
        return active(names.collections()) && active(names.entries());
    }

    private boolean active(String table) {
        try {
            return client.describeTable(r -> r.tableName(table)).table().tableStatus() == TableStatus.ACTIVE;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private void ensure(String table, boolean withApplicationIndex) {
        TableDescription description;
        try {
            description = client.describeTable(r -> r.tableName(table)).table();
        } catch (ResourceNotFoundException missing) {
            create(table, withApplicationIndex);
            description = awaitActive(table);
        }
        verify(table, description, withApplicationIndex);
        ensureOptionalIndexes(table, description, withApplicationIndex);
    }

    /**
     * Adds the optional indexes (change feed, as-of time) to a table made before them (one UpdateTable each, as DynamoDB
     * builds one new index at a time), and waits until they are active. Versions written before
     * carry none of their keys, so an application's feed starts with its changes from then on, and
     * as-of reads of older instants read versions as before.
     */
    private void ensureOptionalIndexes(String table, TableDescription description, boolean collections) {
        for (OptionalIndex index : optionalIndexes(collections)) {
            Optional<GlobalSecondaryIndexDescription> existing = description.globalSecondaryIndexes().stream()
                    .filter(i -> i.indexName().equals(index.name())).findFirst();
            if (existing.isPresent()) {
                if (!index.keys().equals(existing.get().keySchema())) {
                    throw new StartupException("table " + table + " has an index " + index.name() + " with keys "
                            + describe(existing.get().keySchema()) + ", not dynamini's " + describe(index.keys())
                            + "; point TABLE_NAME_" + (collections ? "COLLECTIONS" : "ENTRIES") + " at another table", null);
                }
                continue;
            }
            GlobalSecondaryIndex definition = index.definition().build();
            CreateGlobalSecondaryIndexAction.Builder create = CreateGlobalSecondaryIndexAction.builder()
                    .indexName(definition.indexName()).keySchema(definition.keySchema()).projection(definition.projection());
            throughput.ifPresent(create::provisionedThroughput);
            try {
                client.updateTable(r -> r.tableName(table)
                        .attributeDefinitions(attribute(index.partitionAttribute()), attribute(index.rangeAttribute()))
                        .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(create.build()).build()));
                LOG.info("adding the index {} to table {} (optional indexes: docs/storage.md)", index.name(), table);
            } catch (ResourceInUseException | LimitExceededException busy) {
                LOG.info("index {} of table {} is being changed by another instance: {}", index.name(), table, busy.getMessage());
            }
            description = awaitIndexActive(table, index.name());
        }
    }

    private TableDescription awaitIndexActive(String table, String index) {
        long started = System.nanoTime();
        long deadline = started + Duration.ofMinutes(30).toNanos();
        long nextNote = started + Duration.ofSeconds(30).toNanos();
        while (true) {
            TableDescription description = client.describeTable(r -> r.tableName(table)).table();
            boolean active = description.tableStatus() == TableStatus.ACTIVE && description.globalSecondaryIndexes().stream()
                    .anyMatch(i -> i.indexName().equals(index) && i.indexStatus() == IndexStatus.ACTIVE);
            if (active) {
                return description;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new StartupException("index " + index + " of table " + table + " did not become ACTIVE within 30 minutes", null);
            }
            if (now > nextNote) {
                LOG.info("still waiting for DynamoDB to build index {} of table {} ({} s so far)", index, table,
                        Duration.ofNanos(now - started).toSeconds());
                nextNote = now + Duration.ofSeconds(30).toNanos();
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while waiting for index " + index + " of table " + table, e);
            }
        }
    }

    private void create(String table, boolean withApplicationIndex) {
        List<AttributeDefinition> attributes = new ArrayList<>(List.of(
                attribute(KeyLayout.PK), attribute(KeyLayout.SK)));
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(table)
                .keySchema(TABLE_KEYS);
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        if (withApplicationIndex) {
            attributes.add(attribute(KeyLayout.APP));
            attributes.add(attribute(KeyLayout.FEED_BUCKET));
            GlobalSecondaryIndex.Builder index = GlobalSecondaryIndex.builder()
                    .indexName(KeyLayout.BY_APPLICATION)
                    .keySchema(INDEX_KEYS)
                    .projection(p -> p.projectionType(ProjectionType.ALL));
            throughput.ifPresent(index::provisionedThroughput);
            indexes.add(index.build());
        }
        attributes.add(attribute(KeyLayout.FEED_POSITION));
        attributes.add(attribute(KeyLayout.ITEM));
        attributes.add(attribute(KeyLayout.ITEM_TIME));
        for (OptionalIndex feed : optionalIndexes(withApplicationIndex)) {
            GlobalSecondaryIndex.Builder index = feed.definition();
            throughput.ifPresent(index::provisionedThroughput);
            indexes.add(index.build());
        }
        request.globalSecondaryIndexes(indexes);
        request.attributeDefinitions(attributes);
        throughput.ifPresentOrElse(
                t -> request.billingMode(BillingMode.PROVISIONED).provisionedThroughput(t),
                () -> request.billingMode(BillingMode.PAY_PER_REQUEST));
        try {
            client.createTable(request.build());
            LOG.info("created table {}", table);
        } catch (ResourceInUseException raced) {
            LOG.info("table {} is being created by another instance", table);
        }
    }

    private TableDescription awaitActive(String table) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            TableDescription description = client.describeTable(r -> r.tableName(table)).table();
            if (description.tableStatus() == TableStatus.ACTIVE) {
                return description;
            }
            if (System.nanoTime() > deadline) {
                throw new StartupException("table " + table + " did not become ACTIVE within 5 minutes", null);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while waiting for table " + table, e);
            }
        }
    }

    /**
     * Checks existing tables without creating any (the import's dry run and check).
     *
     * @return false when either table is missing
     * @throws StartupException when one exists with keys dynamini does not write
     */
    public boolean verifyExisting() {
        for (String table : List.of(names.collections(), names.entries())) {
            try {
                verify(table, client.describeTable(r -> r.tableName(table)).table(), table.equals(names.collections()));
            } catch (ResourceNotFoundException missing) {
                return false;
            }
        }
        return true;
    }

    private static void verify(String table, TableDescription description, boolean withApplicationIndex) {
        String variable = "TABLE_NAME_" + (withApplicationIndex ? "COLLECTIONS" : "ENTRIES");
        if (dynamodbMiniLayout(description.keySchema())) {
            throw new StartupException("table " + table + " (" + variable + ") has dynamodb-mini's key schema "
                    + describe(description.keySchema()) + ", which dynamini does not read. Copy its data into new tables with"
                    + " `java -jar dynamini.jar import-dynamodb-mini`, setting OLD_TABLE_NAME_COLLECTIONS and OLD_TABLE_NAME_ENTRIES"
                    + " to dynamodb-mini's tables and TABLE_NAME_COLLECTIONS and TABLE_NAME_ENTRIES to new ones, then start dynamini"
                    + " with those (docs/migration.md)", null);
        }
        if (!TABLE_KEYS.equals(description.keySchema()) || !stringKeys(description, KeyLayout.PK, KeyLayout.SK)) {
            throw new StartupException("table " + table + " exists with key schema " + describe(description.keySchema())
                    + " but dynamini needs pk (HASH, S) + sk (RANGE, S); point " + variable + " at another table", null);
        }
        if (withApplicationIndex) {
            Optional<GlobalSecondaryIndexDescription> index = description.globalSecondaryIndexes().stream()
                    .filter(i -> i.indexName().equals(KeyLayout.BY_APPLICATION)).findFirst();
            if (index.isEmpty() || !INDEX_KEYS.equals(index.get().keySchema()) || !stringKeys(description, KeyLayout.APP)) {
                throw new StartupException("table " + table + " lacks the global index " + KeyLayout.BY_APPLICATION
                        + " on app (HASH, S) + sk (RANGE, S) that dynamini needs; point TABLE_NAME_COLLECTIONS at another table", null);
            }
        }
    }

    /** The keys dynamodb-mini v0.2.4 created its tables with (migrate.OldLayout reads them). */
    private static boolean dynamodbMiniLayout(List<KeySchemaElement> keys) {
        List<String> names = keys.stream().map(KeySchemaElement::attributeName).toList();
        return names.equals(List.of("application", "userCollectionVersion")) || names.equals(List.of("userCollection", "entryVersion"));
    }

    private static boolean stringKeys(TableDescription description, String... names) {
        for (String name : names) {
            boolean isString = description.attributeDefinitions().stream()
                    .anyMatch(a -> a.attributeName().equals(name) && a.attributeType() == ScalarAttributeType.S);
            if (!isString) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<KeySchemaElement> keys) {
        return keys.stream().map(k -> k.attributeName() + " (" + k.keyTypeAsString() + ")").toList().toString();
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }
}
