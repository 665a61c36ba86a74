package dev.dynamini.schema;

import com.networknt.schema.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A schema ready to check values: thread-safe, and to be reused (compiling costs far more than a check). */
public final class CompiledSchema {
    private final Schema schema;
    private final int sourceChars;

    CompiledSchema(Schema schema, int sourceChars) {
        this.schema = schema;
        this.sourceChars = sourceChars;
    }

    /** The length of the schema's text: a measure of what it holds in memory, for caches. */
    public int sourceChars() {
        return sourceChars;
    }

    /**
     * What is wrong with the value (at most {@value JsonSchemas#MAX_PROBLEMS} problems); empty if
     * it is valid.
     *
     * @param valueJson JSON text (as stored: well-formed)
     */
    public List<Problem> problems(String valueJson) {
        JsonNode value = JsonSchemas.read(valueJson);
        try {
            return JsonSchemas.problemsOf(JsonSchemas.run(() -> schema.validate(value)));
        } catch (StackOverflowError e) {
            return List.of(new Problem("", "", "the schema refers to itself without end, or the value nests too deeply for its checks"));
        } catch (RuntimeException e) {
            if (tooSlow(e)) {
                return List.of(new Problem("", "pattern", "a regular expression of the schema took longer than "
                        + JsonSchemas.CHECK_MILLIS + " ms on this value; the value was not checked"));
            }
            // a $ref the library resolves only when a value reaches it, and cannot
            return List.of(new Problem("", "", "the schema cannot be applied: " + e.getMessage()));
        }
    }

    private static boolean tooSlow(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BoundedRegularExpressions.TooSlowException) {
                return true;
            }
        }
        return false;
    }
}
