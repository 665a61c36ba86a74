package dev.dynamini.schema;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import com.networknt.schema.regex.RegularExpressions;
import java.util.regex.Pattern;

/**
 * The regular expressions of a schema ({@code pattern}, {@code patternProperties}), as the
 * library's JDK engine compiles them, but matched with a time bound. A schema's author chooses its
 * patterns, and a pattern such as {@code (a+)+$} backtracks for longer than the universe exists on
 * a string of 40 characters: unbounded, one entry write could hold a server thread for good. Every
 * match stops at the deadline of the check it belongs to ({@link #within}), or after
 * {@link #DEFAULT_MILLIS} when it runs outside one, with a {@link TooSlowException}.
 */
final class BoundedRegularExpressions implements RegularExpressionFactory {
    static final BoundedRegularExpressions INSTANCE = new BoundedRegularExpressions();
    static final long DEFAULT_MILLIS = 100;
    /** System.nanoTime() by which the matches of this thread's current check must be done; 0: none set. */
    private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[1]);

    private BoundedRegularExpressions() {
    }

    /** A pattern that ran out of time: the check it belongs to cannot be answered. */
    static final class TooSlowException extends RuntimeException {
        TooSlowException() {
            super("a regular expression of the schema took too long to match", null, false, false);
        }
    }

    /** Runs {@code check} with every match in it bounded by one deadline, {@code millis} from now. */
    static <T> T within(long millis, java.util.function.Supplier<T> check) {
        long[] deadline = DEADLINE.get();
        long outer = deadline[0];
        deadline[0] = System.nanoTime() + millis * 1_000_000L;
        try {
            return check.get();
        } finally {
            deadline[0] = outer;
        }
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        // what the library's JDKRegularExpression does to make a Java pattern of an ECMA-262 one
        Pattern pattern = Pattern.compile(RegularExpressions.replaceLongformCharacterProperties(RegularExpressions.replaceDollarAnchors(regex)));
        return value -> {
            long set = DEADLINE.get()[0];
            long deadline = set != 0 ? set : System.nanoTime() + DEFAULT_MILLIS * 1_000_000L;
            // find, not matches: a JSON Schema pattern is not anchored
            return pattern.matcher(new Bounded(value, deadline)).find();
        };
    }

    /** The text a matcher reads, checking the clock every 1024 characters it reads. */
    private static final class Bounded implements CharSequence {
        private final String text;
        private final long deadline;
        private int reads;

        Bounded(String text, long deadline) {
            this.text = text;
            this.deadline = deadline;
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0x3FF) == 0 && System.nanoTime() - deadline > 0) {
                throw new TooSlowException();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Bounded(text.substring(start, end), deadline);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
