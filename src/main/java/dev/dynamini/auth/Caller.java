package dev.dynamini.auth;

import dev.dynamini.limits.Rate;
import java.util.Optional;

/**
 * The application an API key belongs to, what that key may do, and its own rate limit (none: the
 * default, if any). {@code keyId} is the key's position in the key list: it tells keys apart (one
 * rate-limit bucket each) without carrying the key.
 */
public record Caller(String application, Access access, int keyId, Optional<Rate> rate) {
}
