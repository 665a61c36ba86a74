package dev.dynamini.http;

import dev.dynamini.store.Item;
import dev.dynamini.transfer.Export;
import dev.dynamini.transfer.ExportPosition;
import dev.dynamini.transfer.Import;
import dev.dynamini.transfer.ImportRejectedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * {@code GET /api/export}: the caller's application as NDJSON, one item version per line, exactly
 * as the API shows items. The order and the resume position are {@link Export}'s.
 * {@code POST /api/import}: such a stream loaded into the caller's application, read line by line
 * as it arrives ({@link BodyBuffering} lets this body through unread), so its size is not bounded
 * by MAX_BODY_BYTES, only each line is.
 */
final class TransferRoutes {
    static final String NDJSON = "application/x-ndjson";

    static final String IMPORT_PATH = "/api/import";

    private final Export export;
    private final Import importer;
    private final JsonOut json;

    TransferRoutes(Export export, Import importer, JsonOut json) {
        this.export = export;
        this.importer = importer;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        GetRoutes.add(routes, "/api/export", this::export);
        routes.post(IMPORT_PATH, this::importStream);
        routes.after(IMPORT_PATH, TransferRoutes::drainRefusedImport);
    }

    /** How much of a refused import's body is read and dropped, at most, and for how long. */
    static final int DRAIN_BYTES = 8 * 1024 * 1024;
    private static final long DRAIN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    /**
     * An import is not buffered before its route (it may be far larger than MAX_BODY_BYTES), so an
     * import refused before its body was read (a key that may not write, a wrong Content-Type or
     * resume, an application that is not empty) leaves the body unread. Answering then and closing
     * makes the client, still sending, see a broken connection instead of the answer. So the body
     * is read and dropped first: at most {@link #DRAIN_BYTES}, reading no more once 2 s have passed
     * (each read is bounded by the idle timeout, as any import's is). Not for a request without a
     * valid key (401): its connection is closed, so that no one without a key can hold a thread.
     */
    private static void drainRefusedImport(Context ctx) {
        if (ctx.statusCode() < 400 || ctx.statusCode() == 401) {
            return;
        }
        long deadline = System.nanoTime() + DRAIN_NANOS;
        byte[] dropped = new byte[65536];
        long total = 0;
        try {
            InputStream body = ctx.req().getInputStream();
            while (total < DRAIN_BYTES && System.nanoTime() < deadline) {
                int read = body.read(dropped);
                if (read < 0) {
                    return;
                }
                total += read;
            }
        } catch (IOException | RuntimeException gone) {
            // the client went away or the body was read another way: nothing left to keep clean
        }
    }

    /**
     * The longest line accepted: a value of MAX_BODY_BYTES, a name of 1000 bytes written with JSON
     * escapes, and the meta, with room to spare.
     */
    static int maxLineBytes(int maxBodyBytes) {
        return 2 * maxBodyBytes + 65536;
    }

    private void importStream(Context ctx) {
        String type = ctx.header("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals(NDJSON)) {
            throw new ApiError(415, "unsupported_media_type", "an import is NDJSON (Content-Type: " + NDJSON + "), as GET /api/export answers");
        }
        String resumeParam = ctx.queryParam("resume");
        if (resumeParam != null && !resumeParam.equals("true") && !resumeParam.equals("false")) {
            throw ApiError.badRequest("resume must be true or false");
        }
        String application = Requests.caller(ctx).application();
        int maxLine = maxLineBytes(ctx.attribute(Bodies.MAX_BYTES));
        Import.Summary done;
        try {
            done = load(ctx, importer.begin(application, "true".equals(resumeParam)), application, maxLine);
        } catch (ImportRejectedException e) {
            throw new ApiError(e.conflict() ? 409 : 400, e.conflict() ? "conflict" : "bad_request", e.getMessage());
        }
        Bodies.send(ctx, json.render(out -> {
            out.writeStartObject();
            out.writeStringField("application", StrictText.sendable(application));
            out.writeNumberField("lines", done.lines());
            out.writeNumberField("written", done.written());
            out.writeNumberField("skipped", done.skipped());
            out.writeEndObject();
        }));
    }

    /** Reads the body a line at a time, each line to the session as it comes. */
    private static Import.Summary load(Context ctx, Import.Session session, String application, int maxLine) {
        long lineNumber = 0;
        byte[] line = new byte[8192];
        try (InputStream body = new BufferedInputStream(ctx.req().getInputStream(), 65536)) {
            while (true) {
                int length = 0;
                int b;
                while ((b = body.read()) != -1 && b != '\n') {
                    if (length == line.length) {
                        if (length >= maxLine) {
                            throw new ApiError(413, "payload_too_large", "line " + (lineNumber + 1) + " is longer than " + maxLine
                                    + " bytes (2 * MAX_BODY_BYTES + 64 KiB); the lines before it were imported");
                        }
                        line = java.util.Arrays.copyOf(line, Math.min(maxLine + 1, length * 2));
                    }
                    line[length++] = (byte) b;
                }
                if (b == -1 && length == 0) {
                    break;
                }
                lineNumber++;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                if (length > 0) {
                    Item item;
                    try {
                        item = ImportLine.parse(line, length, application);
                    } catch (ApiError e) {
                        throw ApiError.badRequest("line " + lineNumber + ": " + e.getMessage() + "; the lines before it were imported");
                    }
                    session.accept(lineNumber, item);
                }
                if (b == -1) {
                    break;
                }
            }
        } catch (IOException e) {
            throw ApiError.badRequest("the request body could not be read completely (after line " + lineNumber
                    + "); the lines read were imported: send the stream again with ?resume=true");
        }
        return session.finish();
    }

    private void export(Context ctx) {
        String token = ctx.queryParam("after");
        ExportPosition after = token == null ? null : ExportPosition.parse(token);
        Bodies.sendLines(ctx, json, NDJSON, export.pages(Requests.caller(ctx).application(), after));
    }
}
