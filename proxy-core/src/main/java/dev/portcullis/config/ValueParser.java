package dev.portcullis.config;

/** Turns the text of one scalar into a typed value, or refuses it. */
@FunctionalInterface
interface ValueParser<T> {

    /**
     * Parses non-empty text.
     *
     * @throws IllegalArgumentException whose message is the whole problem message, with the text
     *     quoted
     */
    T parse(String text);
}
