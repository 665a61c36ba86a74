package dev.dynamini;

import dev.dynamini.auth.ApiKeys;
import dev.dynamini.config.Config;
import dev.dynamini.dynamo.DynamoConnection;
import dev.dynamini.dynamo.DynamoItemRepository;
import dev.dynamini.dynamo.GroupCommit;
import dev.dynamini.dynamo.IndexedApplications;
import dev.dynamini.dynamo.MeteredDynamoDb;
import dev.dynamini.dynamo.StartupException;
import dev.dynamini.dynamo.TableNames;
import dev.dynamini.dynamo.Tables;
import dev.dynamini.feed.LiveFeed;
import dev.dynamini.http.HttpServer;
import dev.dynamini.http.RequestRecord;
import dev.dynamini.limits.RateLimiter;
import dev.dynamini.metrics.Metrics;
import dev.dynamini.store.ChangeFeed;
import dev.dynamini.store.Cursors;
import dev.dynamini.store.Erasure;
import dev.dynamini.store.IdGenerator;
import dev.dynamini.store.ImportedVersions;
import dev.dynamini.store.LiveCollections;
import dev.dynamini.store.VersionedItems;
import dev.dynamini.store.WritesInFlight;
import dev.dynamini.transfer.Export;
import dev.dynamini.transfer.Import;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** The assembled server: the parts wired together, started and stopped as one. */
public final class Dynamini implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dynamini.class);
    /**
     * How often a waiting change feed reads again: for the changes of other instances (when
     * FEED_SETTLE_MS says there may be some), else only as a safety net behind this instance's own
     * writes, which wake the feeds they change at once.
     */
    private static final Duration LIVE_FEED_POLL = Duration.ofSeconds(1);
    private static final Duration LIVE_FEED_POLL_ALONE = Duration.ofSeconds(5);

    private final DynamoConnection dynamo;
    /** Null unless the connection groups commits. */
    private final GroupCommit groupCommit;
    private final HttpServer http;
    private final Metrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Dynamini(DynamoConnection dynamo, GroupCommit groupCommit, HttpServer http, Metrics metrics) {
        this.dynamo = dynamo;
        this.groupCommit = groupCommit;
        this.http = http;
        this.metrics = metrics;
    }

    /**
     * Creates or checks the tables and starts serving. The connection is the caller's until this
     * returns, and then belongs to the server: {@link #close()} closes it.
     */
    public static Dynamini start(Config config, ApiKeys keys, DynamoConnection dynamo, Consumer<RequestRecord> requestObserver) {
        Metrics metrics = new Metrics();
        TableNames names = new TableNames(config.collectionsTable(), config.entriesTable());
        Tables tables = new Tables(dynamo.client(), names, config.readCapacityUnits(), config.writeCapacityUnits());
        tables.ensure();
        ensureTimeToLive(tables, keys);
        GroupCommit groupCommit = dynamo.groupsCommits() ? new GroupCommit(dynamo.client()) : null;
        MeteredDynamoDb metered = groupCommit == null ? new MeteredDynamoDb(dynamo.client(), metrics)
                : new MeteredDynamoDb(dynamo.client(), groupCommit::putItem, metrics);
        DynamoItemRepository repository = new DynamoItemRepository(metered, names,
                config.consistentRead(), dynamo.commitBarrier(), new IndexedApplications(keys.feedApplications(), keys.asOfIndexApplications()));
        IdGenerator ids = new IdGenerator(Clock.systemUTC());
        // CURSOR_SECRET, or one derived from the API keys: every instance of a deployment agrees
        byte[] cursorSecret = config.cursorSecret().map(secret -> secret.getBytes(StandardCharsets.UTF_8)).orElseGet(keys::derivedSecret);
        LiveCollections collections = new LiveCollections(repository, config.collectionCache());
        Cursors cursors = new Cursors(cursorSecret);
        WritesInFlight writes = new WritesInFlight(Clock.systemUTC());
        VersionedItems items = new VersionedItems(repository, ids, Clock.systemUTC(), cursors, collections, keys.retention(), writes);
        ChangeFeed feed = new ChangeFeed(repository, cursors, writes, config.feedSettle(), keys.feedApplications()::contains);
        LiveFeed live = new LiveFeed(feed, writes,
                new LiveFeed.Limits(config.feedMaxWaiting(), config.feedMaxStreams(),
                config.feedSettle().isZero() ? LIVE_FEED_POLL_ALONE : LIVE_FEED_POLL, config.feedSettle()));
        metrics.liveFeeds(live::waiting, live::streams, config.feedMaxWaiting(), config.feedMaxStreams());
        // a purge waits out the entry writes that saw a collection live: one DynamoDB call's timeout
        Erasure erasure = new Erasure(items, repository, collections, Clock.systemUTC(), config.dynamoTimeout());
        HttpServer http = new HttpServer(
                new HttpServer.Settings(config.host(), config.port(), config.maxBodyBytes(), config.corsOrigins(), config.shutdownGrace(),
                        config.minRequestDataRate(), config.minRequestDataRateGrace(), config.idleTimeout(),
                        config.slugifyUserIds()),
                keys, new RateLimiter(config.defaultRate()), items, erasure, new Export(repository),
                new Import(repository, new ImportedVersions(repository)), feed, live, metrics, tables::ready, requestObserver).start();
        LOG.info("dynamini listening on port {} (HOST {}) with {} ({} API keys)", http.port(), config.host(), dynamo.description(), keys.size());
        config.defaultRate().ifPresent(rate -> LOG.info("keys without a rate of their own are limited to {} (per instance)", rate.describe()));
        keys.warnings().forEach(warning -> LOG.warn("API keys: {}", warning));
        keys.feedApplications().forEach(application -> LOG.info("application '{}' keeps a change feed (FEED_SETTLE_MS {})",
                application, config.feedSettle().toMillis()));
        keys.asOfIndexApplications().forEach(application -> LOG.info("application '{}' indexes its versions by time for asOf", application));
        keys.retention().forEach((application, policy) -> LOG.info("retention of application '{}': {}", application, policy.describe()));
        if (keys.placeholderKeys() > 0 && !loopback(config.host())) {
            LOG.warn("!!! {} of the API keys are the published example keys (\"{}...\") and HOST={} is reachable from other"
                    + " machines: anyone can read and write this server's data. Put keys of your own in API_KEYS_FILE. !!!",
                    keys.placeholderKeys(), ApiKeys.PLACEHOLDER_PREFIX, config.host());
        }
        return new Dynamini(dynamo, groupCommit, http, metrics);
    }

    /**
     * TTL on both tables, for retention's expiry marks. Refused (e.g. no IAM permission for it): a
     * start-up error when some application has retention, else a warning, since nothing expires.
     */
    private static void ensureTimeToLive(Tables tables, ApiKeys keys) {
        try {
            tables.ensureTimeToLive();
        } catch (DynamoDbException refused) {
            boolean needed = keys.retention().values().stream().anyMatch(policy -> !policy.keepsAll());
            String why = "DynamoDB refused to turn on TTL (attribute expiresAt) on the tables (" + refused.getMessage()
                    + "); it needs dynamodb:DescribeTimeToLive and dynamodb:UpdateTimeToLive on both tables";
            if (needed) {
                throw new StartupException(why + ", as the API keys give applications a \"retention\"", refused);
            }
            LOG.warn("{}; no application has a \"retention\", so nothing expires", why);
        }
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public int port() {
        return http.port();
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The endpoints the HTTP server answers (the OpenAPI document must list exactly these). */
    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    /** Graceful: stop taking requests, finish those in flight, then shut DynamoDB (Local) down. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            http.stop();
        } finally {
            if (groupCommit != null) {
                groupCommit.close();
            }
            metrics.close();
            dynamo.close();
        }
    }
}
