package dev.dynamini.store;

import java.text.Normalizer;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * dynamodb-mini put user ids through the npm package {@code slugify} (default options) before they
 * went into keys: {@code test user} became {@code test-user}, {@code jörg} became {@code jorg}.
 * This is that mapping, so that an app sending raw user ids finds the data it stored there (and
 * that the import brought along). Letters lose their accents (Unicode decomposition, plus the
 * letters that do not decompose, such as ß and ø), common symbols become words as slugify's
 * character map has them, characters slugify removes are removed, and runs of whitespace become
 * one '-'.
 */
public final class Slugs {
    private static final Map<Character, String> WORDS = Map.ofEntries(
            Map.entry('ß', "ss"), Map.entry('æ', "ae"), Map.entry('Æ', "AE"), Map.entry('ø', "o"), Map.entry('Ø', "O"),
            Map.entry('œ', "oe"), Map.entry('Œ', "OE"), Map.entry('đ', "d"), Map.entry('Đ', "D"), Map.entry('ł', "l"),
            Map.entry('Ł', "L"), Map.entry('þ', "th"), Map.entry('Þ', "TH"), Map.entry('ð', "d"), Map.entry('Ð', "D"),
            Map.entry('$', "dollar"), Map.entry('%', "percent"), Map.entry('&', "and"), Map.entry('<', "less"),
            Map.entry('>', "greater"), Map.entry('|', "or"), Map.entry('€', "euro"), Map.entry('£', "pound"),
            Map.entry('¥', "yen"), Map.entry('¢', "cent"), Map.entry('©', "(c)"), Map.entry('®', "(r)"), Map.entry('™', "tm"));
    /** What slugify keeps: \w, whitespace and $*_+~.()'"!-:@. */
    private static final Pattern REMOVED = Pattern.compile("[^A-Za-z0-9_\\s$*+~.()'\"!\\-:@]");
    private static final Pattern COMBINING = Pattern.compile("\\p{M}+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Slugs() {
    }

    public static String slugify(String text) {
        StringBuilder mapped = new StringBuilder(text.length());
        for (char c : Normalizer.normalize(text, Normalizer.Form.NFC).toCharArray()) {
            String word = WORDS.get(c);
            if (word != null) {
                mapped.append(word);
            } else {
                // é → e + combining accent → e
                String plain = COMBINING.matcher(Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKD)).replaceAll("");
                mapped.append(plain.equals("-") ? " " : plain);
            }
        }
        String kept = REMOVED.matcher(mapped).replaceAll("").trim();
        return WHITESPACE.matcher(kept).replaceAll("-");
    }
}
