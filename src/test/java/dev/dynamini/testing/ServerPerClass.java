package dev.dynamini.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the end-to-end API test classes: one real server per class, on the shared DynamoDB
 * Local with tables of its own, and a client of application app-a. Classes run one at a time.
 */
public abstract class ServerPerClass {
    protected static TestServer server;
    protected static Http api;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
        api = server.appA();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
