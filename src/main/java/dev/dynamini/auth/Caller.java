package dev.dynamini.auth;

/** The application an API key belongs to, and what that key may do. */
public record Caller(String application, Access access) {
}
