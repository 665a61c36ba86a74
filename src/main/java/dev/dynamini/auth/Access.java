package dev.dynamini.auth;

/** What a key may do: read-only keys get 403 on every write. */
public enum Access {
    READ,
    READ_WRITE;

    public boolean canWrite() {
        return this == READ_WRITE;
    }
}
