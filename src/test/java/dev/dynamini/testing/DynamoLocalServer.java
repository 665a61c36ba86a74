package dev.dynamini.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local as an HTTP server inside the test JVM, keeping its data in a directory so that it
 * can be stopped (an outage) and started again on the same port with everything it had.
 */
public final class DynamoLocalServer implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private DynamoDBProxyServer server;

    private DynamoLocalServer(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts on a free port with its data in a new temporary directory. */
    public static DynamoLocalServer start() {
        try {
            DynamoLocalServer local = new DynamoLocalServer(Files.createTempDirectory("dynamodb-local"), freePort());
            local.startAgain();
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The endpoint for DYNAMODB_ENDPOINT. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The environment of a server that talks to this DynamoDB Local over HTTP, with its own tables. */
    public Map<String, String> env(int timeoutMillis) {
        return env(endpoint(), timeoutMillis);
    }

    /** The same, reaching it through another endpoint (a proxy). */
    public static Map<String, String> env(String endpoint, int timeoutMillis) {
        Map<String, String> env = new HashMap<>(TestServer.freshTables());
        env.put("DYNAMODB_ENDPOINT", endpoint);
        env.put("DYNAMODB_TIMEOUT_MS", Integer.toString(timeoutMillis));
        return env;
    }

    /** Stops serving; connections are refused until {@link #startAgain()}. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not stop", e);
            }
            server = null;
        }
    }

    /** Starts on the same port and data directory. */
    public synchronized void startAgain() {
        if (server != null) {
            return;
        }
        try {
            server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-dbPath", dataDir.toString(), "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
