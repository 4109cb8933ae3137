package dev.portcullis.config;

import static dev.portcullis.config.validate.ConfigProblem.quote;

import dev.portcullis.config.source.YamlNode;
import dev.portcullis.config.source.YamlPath;
import dev.portcullis.config.validate.Located;
import dev.portcullis.config.validate.NearestMatch;
import dev.portcullis.config.validate.Problems;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Typed access to one mapping of the configuration, reporting every problem at its path and line
 * instead of throwing. The keys a mapping may hold are declared up front, so any other key is
 * reported as unknown (with the nearest known key) as soon as the reader is made.
 *
 * <p>A section that is absent, {@code ~} or empty reads as an empty mapping, so every key takes its
 * default; a section of the wrong kind is one problem and then also reads as empty.
 */
final class MappingReader {

    private final String path;
    private final int line;
    private final int index;
    private final YamlNode.Mapping mapping;
    private final List<String> keys;
    private final Problems problems;

    private MappingReader(
            String path,
            int line,
            int index,
            YamlNode.Mapping mapping,
            List<String> keys,
            Problems problems) {
        this.path = path;
        this.line = line;
        this.index = index;
        this.mapping = mapping;
        this.keys = keys;
        this.problems = problems;
    }

    /** Reads the whole document, whose missing keys are reported without a line. */
    static MappingReader root(YamlNode document, Problems problems, String... keys) {
        return of(document, "", 0, -1, problems, keys);
    }

    private static MappingReader of(
            @Nullable YamlNode node,
            String path,
            int line,
            int index,
            Problems problems,
            String... keys) {
        YamlNode.Mapping mapping;
        if (node instanceof YamlNode.Mapping given) {
            mapping = given;
        } else {
            if (node != null && !node.isEmpty()) {
                problems.add(
                        path,
                        node.line(),
                        "must be a mapping of keys to values, not " + describe(node));
            }
            mapping = new YamlNode.Mapping(line, List.of());
        }
        MappingReader reader =
                new MappingReader(path, line, index, mapping, List.of(keys), problems);
        reader.reportUnknownKeys();
        return reader;
    }

    /** The mapping's path, such as {@code upstreams[0]}. */
    String path() {
        return path;
    }

    /** The line problems about the mapping as a whole are reported at; 0 for the top level. */
    int line() {
        return line;
    }

    /** The mapping's position (from 0) in the list holding it, or -1 when it is not an item. */
    int index() {
        return index;
    }

    /** Whether the key is written, with or without a value. */
    boolean has(String key) {
        return entry(key) != null;
    }

    String pathOf(String key) {
        return YamlPath.key(path, key);
    }

    /** The line of the key's value, or the mapping's line when the key is not written. */
    int lineOf(String key) {
        YamlNode.@Nullable Entry entry = entry(key);
        return entry == null ? line : entry.value().line();
    }

    /** A value of this mapping, paired with where it was (or would have been) written. */
    <T> Located<T> located(String key, T value) {
        return new Located<>(value, pathOf(key), lineOf(key));
    }

    /** The key's value, or {@code null} when it is not written or is refused (and reported). */
    <T> @Nullable T value(String key, ValueParser<T> parser) {
        YamlNode.@Nullable Entry entry = entry(key);
        return entry == null ? null : parseScalar(entry.value(), pathOf(key), parser, problems);
    }

    /** The key's value, or {@code fallback} when it is not written or is refused (and reported). */
    <T> T value(String key, ValueParser<T> parser, T fallback) {
        T value = value(key, parser);
        return value == null ? fallback : value;
    }

    /**
     * The key's value, or {@code null} when it is not written, written without a value (such as an
     * unset {@code ${VAR:-}}), or refused (and reported). For settings where "empty" means "none".
     */
    <T> @Nullable T valueUnlessEmpty(String key, ValueParser<T> parser) {
        YamlNode.@Nullable Entry entry = entry(key);
        if (entry == null || entry.value().isEmpty()) {
            return null;
        }
        return parseScalar(entry.value(), pathOf(key), parser, problems);
    }

    /** The key's value, or {@code null} when it is missing or refused; both are reported. */
    <T> @Nullable T required(String key, ValueParser<T> parser) {
        if (!has(key)) {
            problems.add(pathOf(key), line, "required key is missing");
            return null;
        }
        return value(key, parser);
    }

    /** The mapping under {@code key}, which may hold the given keys. */
    MappingReader section(String key, String... sectionKeys) {
        YamlNode.@Nullable Entry entry = entry(key);
        return of(
                entry == null ? null : entry.value(),
                pathOf(key),
                lineOf(key),
                -1,
                problems,
                sectionKeys);
    }

    /**
     * The items of the list under {@code key}; none when the key is absent or empty. Items that are
     * not single values are reported and left out.
     */
    List<Located<YamlNode.Scalar>> scalarItems(String key) {
        List<YamlNode> items = items(key);
        if (items == null) {
            return List.of();
        }
        List<Located<YamlNode.Scalar>> scalars = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            String itemPath = YamlPath.index(pathOf(key), i);
            if (item instanceof YamlNode.Scalar scalar) {
                scalars.add(new Located<>(scalar, itemPath, scalar.line()));
            } else {
                problems.add(itemPath, item.line(), mustBeValue(item));
            }
        }
        return scalars;
    }

    /**
     * Readers for the mappings listed under a required key, such as each listener under {@code
     * listeners}. A missing key, an empty list, and items that are not mappings are reported.
     *
     * @param itemName what one item is, in the singular, for the "needs at least one" problem
     */
    List<MappingReader> requiredItems(String key, String itemName, String... itemKeys) {
        if (!has(key)) {
            problems.add(pathOf(key), line, "required key is missing");
            return List.of();
        }
        List<YamlNode> items = items(key);
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            problems.add(pathOf(key), lineOf(key), "needs at least one " + itemName);
        }
        List<MappingReader> readers = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            String itemPath = YamlPath.index(pathOf(key), i);
            if (item instanceof YamlNode.Mapping) {
                readers.add(of(item, itemPath, item.line(), i, problems, itemKeys));
            } else {
                problems.add(
                        itemPath,
                        item.line(),
                        "each "
                                + itemName
                                + " must be a mapping of keys to values, not "
                                + describe(item));
            }
        }
        return readers;
    }

    /**
     * The items of the list under {@code key}: none when the key is absent or empty, {@code null}
     * (reported) when it holds something other than a list.
     */
    private @Nullable List<YamlNode> items(String key) {
        YamlNode.@Nullable Entry entry = entry(key);
        if (entry == null || entry.value().isEmpty()) {
            return List.of();
        }
        if (entry.value() instanceof YamlNode.Sequence sequence) {
            return sequence.items();
        }
        problems.add(pathOf(key), lineOf(key), "must be a list, not " + describe(entry.value()));
        return null;
    }

    /**
     * Parses one scalar, reporting a node that is not a single value, a value that is empty, or a
     * value the parser refuses. A value already reported (its substitution failed) is skipped.
     */
    static <T> @Nullable T parseScalar(
            YamlNode node, String path, ValueParser<T> parser, Problems problems) {
        if (!(node instanceof YamlNode.Scalar scalar)) {
            problems.add(path, node.line(), mustBeValue(node));
            return null;
        }
        // A value whose substitution failed is reported already; parsing it would only repeat that.
        if (problems.hasProblemAt(path, node.line())) {
            return null;
        }
        String text = scalar.text();
        if (text == null || text.isEmpty()) {
            problems.add(path, node.line(), "no value given");
            return null;
        }
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(path, node.line(), String.valueOf(e.getMessage()));
            return null;
        }
    }

    private YamlNode.@Nullable Entry entry(String key) {
        if (!keys.contains(key)) {
            throw new IllegalStateException(
                    "key " + key + " is read at " + path + " but not declared there");
        }
        return mapping.entry(key);
    }

    private void reportUnknownKeys() {
        for (YamlNode.Entry entry : mapping.entries()) {
            if (!keys.contains(entry.key())) {
                problems.add(
                        YamlPath.key(path, entry.key()), entry.keyLine(), unknownKey(entry.key()));
            }
        }
    }

    private String unknownKey(String key) {
        if (keys.isEmpty()) {
            return "unknown key; nothing is expected here";
        }
        return NearestMatch.nearest(key, keys)
                .map(known -> "unknown key; did you mean " + known + "?")
                .orElseGet(() -> "unknown key; expected one of " + String.join(", ", keys));
    }

    private static String mustBeValue(YamlNode node) {
        return "must be a single value, not " + describe(node);
    }

    private static String describe(YamlNode node) {
        String text = node instanceof YamlNode.Scalar scalar ? scalar.text() : null;
        return text == null ? node.kind() : "a value (" + quote(text) + ")";
    }
}
