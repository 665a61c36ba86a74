package dev.dynamini.dynamo;

/**
 * A change's version was written, its commit record, but moving the head to it failed (DynamoDB
 * throttling or out of reach): the change is neither refused nor visible yet. It becomes visible
 * when the item's next writer, or a claimer of its name, rolls it forward (docs/storage.md), so it
 * must not be answered as a change that wrote nothing.
 */
public final class UnconfirmedCommitException extends RuntimeException {
    public UnconfirmedCommitException(Throwable cause) {
        super("the change was recorded but not made visible: " + cause.getMessage(), cause);
    }
}
