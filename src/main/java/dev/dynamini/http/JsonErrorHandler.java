package dev.dynamini.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty decides before Javalin sees a request (a malformed URI or request line,
 * headers over the limit) in the same {@code {"error", "message"}} shape as every other error,
 * instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final JsonOut json = new JsonOut();

    /** Jetty's default writes a body only for GET, POST and HEAD: every method gets the JSON shape. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Bodies.JSON);
        // a HEAD answer has GET's headers and no body
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body(status, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Bodies.JSON);
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int status, String message) {
        // Jetty's reasons for a 4xx are fixed phrases about the request's form, safe to pass on; a 5xx
        // reason could describe our internals, so it is replaced
        String sentence = status < 500 && message != null && !message.isBlank()
                ? message
                : HttpStatus.getMessage(status);
        return json.error(new ApiError(status, ErrorResponses.codeFor(status), sentence));
    }
}
