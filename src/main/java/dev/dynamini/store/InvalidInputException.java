package dev.dynamini.store;

/** Input that breaks a rule of the model (400). */
public final class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
