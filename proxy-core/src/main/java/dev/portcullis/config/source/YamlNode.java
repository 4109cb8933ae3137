package dev.portcullis.config.source;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A node of a parsed YAML document: a mapping, a list or a scalar, each with the 1-based line it
 * starts on. Scalars keep their text exactly as written (so {@code 8080}, {@code true} and {@code
 * 10s} are all text); the binder decides what type a value has.
 */
public sealed interface YamlNode {

    /** The 1-based line the node starts on. */
    int line();

    /** A word for the node's kind, for messages: "a mapping", "a list" or "a value". */
    String kind();

    /** Whether the node is a scalar with no text: {@code ~}, {@code null} or nothing at all. */
    default boolean isEmpty() {
        return this instanceof Scalar scalar && (scalar.text() == null || scalar.text().isEmpty());
    }

    /** Key and value pairs in the order written; keys are unique. */
    record Mapping(int line, List<Entry> entries) implements YamlNode {

        public Mapping {
            entries = List.copyOf(entries);
        }

        /** The entry with this key, or {@code null}. */
        public @Nullable Entry entry(String key) {
            for (Entry entry : entries) {
                if (entry.key().equals(key)) {
                    return entry;
                }
            }
            return null;
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /**
     * One key of a mapping.
     *
     * @param keyLine the line of the key itself, which for a block value differs from the value's
     */
    record Entry(String key, int keyLine, YamlNode value) {}

    /** Items in the order written. */
    record Sequence(int line, List<YamlNode> items) implements YamlNode {

        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * A single value.
     *
     * @param text the value as written, without quotes; {@code null} for YAML's null ({@code ~},
     *     {@code null})
     */
    record Scalar(int line, @Nullable String text) implements YamlNode {

        @Override
        public String kind() {
            return "a value";
        }
    }
}
