package dev.dynamini.config;

/** A setting that stops start-up; the message names the variable and what is wrong with it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
    }
}
