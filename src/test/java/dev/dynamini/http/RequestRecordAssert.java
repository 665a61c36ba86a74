package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamini.metrics.DynamoUsage;
import dev.dynamini.testing.TestServer;
import java.util.List;

/** Assertions on the DynamoDB usage the server recorded for the requests it served. */
final class RequestRecordAssert {
    private RequestRecordAssert() {
    }

    /** The most recent request with this method: it made exactly {@code expected} DynamoDB requests. */
    static DynamoUsage dynamoRequests(TestServer server, String method, int expected) {
        RequestRecord last = last(server, method);
        assertEquals(expected, last.dynamo().requests(), "DynamoDB requests of " + last);
        return last.dynamo();
    }

    static RequestRecord last(TestServer server, String method) {
        // the access log runs as the response completes: give it a moment to land
        long deadline = System.currentTimeMillis() + 2000;
        List<RequestRecord> all = server.requests();
        RequestRecord found = null;
        while (System.currentTimeMillis() < deadline) {
            found = null;
            for (RequestRecord r : all) {
                if (r.method().equals(method)) {
                    found = r;
                }
            }
            if (found != null) {
                break;
            }
            Thread.onSpinWait();
        }
        if (found == null) {
            throw new AssertionError("no " + method + " request recorded");
        }
        return found;
    }
}
