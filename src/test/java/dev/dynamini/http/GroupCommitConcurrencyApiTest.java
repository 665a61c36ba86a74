package dev.dynamini.http;

import static dev.dynamini.testing.InterceptedDynamoDb.intercepted;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamini.testing.SharedDynamoLocal;
import dev.dynamini.testing.TestServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every race of {@link ConcurrencyApiTest} again, on a server that commits concurrent puts together
 * as embedded DynamoDB Local on disk does: no lost version, no gap, one winner per name.
 */
class GroupCommitConcurrencyApiTest extends ConcurrencyApiTest {
    private static final AtomicInteger TRANSACTIONS = new AtomicInteger();

    /** Hides {@code ServerPerClass.startServer}: the same server, grouping its commits. */
    @BeforeAll
    static void startServer() {
        DynamoDbClient counted = intercepted(SharedDynamoLocal.client(), method -> {
            if (method.equals("transactWriteItems")) {
                TRANSACTIONS.incrementAndGet();
            }
        });
        server = TestServer.startGroupCommitting(counted);
        api = server.appA();
    }

    @AfterAll
    static void theRacesWereGrouped() {
        assertTrue(TRANSACTIONS.get() > 0, "no put was ever committed together with another");
    }
}
