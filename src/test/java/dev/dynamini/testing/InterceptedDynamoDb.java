package dev.dynamini.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A client that lets a test see (count, or fail) every call before it is made, and its answer. */
public final class InterceptedDynamoDb {
    /** Sees every call of the client before it is made (and may throw instead), and its answer. */
    public interface Interceptor {
        void before(String method) throws Exception;

        default void after(String method, Object answer) {
        }
    }

    private InterceptedDynamoDb() {
    }

    public static DynamoDbClient intercepted(DynamoDbClient client, Interceptor interceptor) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    interceptor.before(method.getName());
                    try {
                        Object answer = method.invoke(client, args);
                        interceptor.after(method.getName(), answer);
                        return answer;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
