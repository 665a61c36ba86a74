package dev.dynamini.migrate;

/**
 * One version as dynamodb-mini stored it: the epoch milliseconds its key ends with (as written) and
 * its attributes as text. {@code problem} says why it cannot be read (an attribute of another
 * type), or is null.
 */
record OldVersion(String stamp, String name, String value, String deletedAt, String problem) {
}
