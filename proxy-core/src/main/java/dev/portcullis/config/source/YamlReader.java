package dev.portcullis.config.source;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.portcullis.config.validate.Problems;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Turns configuration text into a {@link YamlNode} tree with Jackson's streaming YAML parser.
 *
 * <p>The configuration is plain data, so the YAML features that make a document more than that are
 * refused, each with a problem at its place: anchors and aliases (which also rule out alias-driven
 * blow-ups), tags, and a second document. A key given twice in one mapping is a problem and the
 * first value is kept. Syntax errors become one problem with their line. Nesting is limited to
 * {@value #MAX_DEPTH} levels, far more than the schema uses.
 */
public final class YamlReader {

    /** The deepest nesting of mappings and lists accepted. */
    public static final int MAX_DEPTH = 32;

    private static final AnchorAwareFactory FACTORY = new AnchorAwareFactory();
    private static final String YAML_TAG_PREFIX = "tag:yaml.org,2002:";

    private final Problems problems;
    private final AnchorAwareParser parser;
    private boolean unusable;

    private YamlReader(Problems problems, AnchorAwareParser parser) {
        this.problems = problems;
        this.parser = parser;
    }

    /**
     * Reads one YAML document. An empty document reads as an empty mapping.
     *
     * @return the tree, or {@code null} when the text cannot be turned into a tree that means what
     *     the file says (a syntax error, an alias, nesting too deep); the reasons are in {@code
     *     problems}
     */
    public static @Nullable YamlNode read(String text, Problems problems) {
        try (AnchorAwareParser parser = (AnchorAwareParser) FACTORY.createParser(text)) {
            return new YamlReader(problems, parser).readDocument();
        } catch (TooDeep e) {
            problems.add(e.path, e.line, "nested deeper than " + MAX_DEPTH + " levels");
            return null;
        } catch (JsonProcessingException e) {
            reportSyntaxError(text, e, problems);
            return null;
        } catch (IOException e) {
            // Reading from a String does not fail, but the parser's API says it could.
            problems.add("", 0, "cannot read the YAML text: " + e.getMessage());
            return null;
        }
    }

    private @Nullable YamlNode readDocument() throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return new YamlNode.Mapping(1, List.of());
        }
        YamlNode root = readValue(first, "", 1);
        if (parser.nextToken() != null) {
            problems.add(
                    "",
                    tokenLine(),
                    "a second YAML document starts here; a configuration file holds exactly one");
        }
        return unusable ? null : root;
    }

    private YamlNode readValue(JsonToken token, String path, int depth) throws IOException {
        int line = tokenLine();
        if (depth > MAX_DEPTH) {
            throw new TooDeep(path, line);
        }
        checkNotDecorated(path, line);
        return switch (token) {
            case START_OBJECT -> readMapping(path, line, depth);
            case START_ARRAY -> readSequence(path, line, depth);
            case VALUE_NULL -> new YamlNode.Scalar(line, null);
            default -> new YamlNode.Scalar(line, parser.getText());
        };
    }

    private YamlNode readMapping(String path, int line, int depth) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Map<String, Integer> keyLines = new HashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = tokenLine();
            String keyPath = YamlPath.key(path, key);
            YamlNode value = readValue(next(), keyPath, depth + 1);
            Integer firstLine = keyLines.putIfAbsent(key, keyLine);
            if (firstLine == null) {
                entries.add(new YamlNode.Entry(key, keyLine, value));
            } else {
                problems.add(keyPath, keyLine, "duplicate key; first given on line " + firstLine);
            }
        }
        expect(token, JsonToken.END_OBJECT);
        return new YamlNode.Mapping(line, entries);
    }

    private YamlNode readSequence(String path, int line, int depth) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = next()) != JsonToken.END_ARRAY) {
            items.add(readValue(token, YamlPath.index(path, items.size()), depth + 1));
        }
        return new YamlNode.Sequence(line, items);
    }

    /**
     * Reports anchors, aliases and tags on the current value. Keys are not checked: an anchor or
     * tag on a key changes nothing here, and an alias as a key is a parse error already.
     */
    private void checkNotDecorated(String path, int line) throws IOException {
        if (parser.isCurrentAlias()) {
            problems.add(
                    path,
                    line,
                    "YAML aliases (*"
                            + parser.getText()
                            + ") are not supported; write the value out in full");
            unusable = true;
            return;
        }
        String anchor = parser.valueAnchor();
        if (anchor != null) {
            problems.add(
                    path,
                    line,
                    "YAML anchors (&" + anchor + ") are not supported; write each value in full");
        }
        String tag = parser.getTypeId();
        if (tag != null) {
            problems.add(
                    path,
                    line,
                    "YAML tags ("
                            + displayTag(tag)
                            + ") are not supported; write the plain value without a tag");
        }
    }

    private static String displayTag(String tag) {
        return tag.startsWith(YAML_TAG_PREFIX)
                ? "!!" + tag.substring(YAML_TAG_PREFIX.length())
                : "!" + tag;
    }

    private JsonToken next() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new JsonParseException(parser, "unexpected end of the document");
        }
        return token;
    }

    private void expect(@Nullable JsonToken token, JsonToken wanted) throws JsonParseException {
        if (token != wanted) {
            throw new JsonParseException(parser, "unexpected " + token + " in a mapping");
        }
    }

    private int tokenLine() {
        return parser.currentTokenLocation().getLineNr();
    }

    private static void reportSyntaxError(
            String text, JsonProcessingException e, Problems problems) {
        Throwable cause = e.getCause();
        if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            String problem = marked.getProblem();
            String detail = problem == null ? String.valueOf(marked.getMessage()) : problem;
            problems.add("", marked.getProblemMark().getLine() + 1, notYaml(detail));
        } else if (cause instanceof ReaderException reader) {
            String character = String.format(Locale.ROOT, "U+%04X", reader.getCodePoint());
            problems.add(
                    "",
                    lineAt(text, reader.getPosition()),
                    notYaml("character " + character + " is not allowed in YAML"));
        } else if (e.getOriginalMessage().startsWith("Expected a field name")) {
            problems.add("", lineOf(e), notYaml("a mapping key must be a plain value"));
        } else {
            problems.add("", lineOf(e), notYaml(e.getOriginalMessage()));
        }
    }

    private static int lineOf(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
    }

    private static int lineAt(String text, int position) {
        int line = 1;
        for (int i = 0; i < Math.min(position, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    // The parser's messages span several lines with a snippet of the file; a problem is one line.
    private static String notYaml(String detail) {
        String oneLine = detail.replaceAll("\\s+", " ").strip();
        StringBuilder clean = new StringBuilder(oneLine.length());
        oneLine.codePoints()
                .forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return "not valid YAML: " + clean;
    }

    /** Stops reading when nesting goes past {@link #MAX_DEPTH}. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String path;
        private final int line;

        TooDeep(String path, int line) {
            super("nested too deeply at " + path, null, false, false);
            this.path = path;
            this.line = line;
        }
    }

    /** Makes {@link AnchorAwareParser}s. */
    private static final class AnchorAwareFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        @Override
        protected YAMLParser _createParser(Reader reader, IOContext context) throws IOException {
            return new AnchorAwareParser(
                    context,
                    _parserFeatures,
                    _yamlParserFeatures,
                    _loaderOptions,
                    _objectCodec,
                    reader);
        }
    }

    /**
     * Jackson's YAML parser, which reports anchors on mappings and lists but not on single values;
     * this one reads the anchor from the current YAML event, whatever the node.
     */
    private static final class AnchorAwareParser extends YAMLParser {

        AnchorAwareParser(
                IOContext context,
                int parserFeatures,
                int yamlFeatures,
                LoaderOptions loaderOptions,
                ObjectCodec codec,
                Reader reader) {
            super(context, parserFeatures, yamlFeatures, loaderOptions, codec, reader);
        }

        @Nullable String valueAnchor() {
            return _lastEvent instanceof NodeEvent node ? node.getAnchor() : null;
        }
    }
}
