package dev.portcullis.config.source;

import dev.portcullis.config.validate.ConfigProblem;
import dev.portcullis.config.validate.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in scalar values with values from the
 * environment; {@code $$} stands for a literal {@code $}, and a {@code $} followed by anything else
 * is kept as it is.
 *
 * <p>Substitution runs on the parsed tree, after YAML has been read, so a variable's value is only
 * ever text inside one scalar: it cannot add keys, items or any other structure, whatever it
 * contains. Keys are never substituted. As in the shell, the default is used when the variable is
 * unset or empty; it runs to the first <code>}</code> and is taken literally.
 */
public final class EnvSubstitution {

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {}

    /**
     * Returns {@code root} with every scalar substituted. A value that cannot be substituted is
     * reported at its path and kept as written.
     */
    public static YamlNode apply(YamlNode root, Map<String, String> env, Problems problems) {
        return substitute(root, "", env, problems);
    }

    private static YamlNode substitute(
            YamlNode node, String path, Map<String, String> env, Problems problems) {
        if (node instanceof YamlNode.Mapping mapping) {
            List<YamlNode.Entry> entries = new ArrayList<>(mapping.entries().size());
            for (YamlNode.Entry entry : mapping.entries()) {
                YamlNode value =
                        substitute(entry.value(), YamlPath.key(path, entry.key()), env, problems);
                entries.add(new YamlNode.Entry(entry.key(), entry.keyLine(), value));
            }
            return new YamlNode.Mapping(mapping.line(), entries);
        }
        if (node instanceof YamlNode.Sequence sequence) {
            List<YamlNode> items = new ArrayList<>(sequence.items().size());
            for (YamlNode item : sequence.items()) {
                items.add(substitute(item, YamlPath.index(path, items.size()), env, problems));
            }
            return new YamlNode.Sequence(sequence.line(), items);
        }
        YamlNode.Scalar scalar = (YamlNode.Scalar) node;
        String text = scalar.text();
        if (text == null || text.indexOf('$') < 0) {
            return scalar;
        }
        try {
            return new YamlNode.Scalar(scalar.line(), expand(text, env));
        } catch (IllegalArgumentException e) {
            problems.add(path, scalar.line(), String.valueOf(e.getMessage()));
            return scalar;
        }
    }

    /**
     * Substitutes one value.
     *
     * @throws IllegalArgumentException with a problem message when a variable is unset and has no
     *     default, a <code>${</code> is not closed, or the name between the braces is not a
     *     variable name
     */
    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            char following = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
            if (c == '$' && following == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && following == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException(
                            "\"${\" is not closed with \"}\"; write $$ for a literal $: "
                                    + ConfigProblem.quote(text));
                }
                out.append(lookUp(text.substring(i + 2, close), env));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String lookUp(String reference, Map<String, String> env) {
        int separator = reference.indexOf(":-");
        String name = separator < 0 ? reference : reference.substring(0, separator);
        @Nullable String fallback = separator < 0 ? null : reference.substring(separator + 2);
        if (!VARIABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "not an environment variable name (letters, digits and '_'): "
                            + ConfigProblem.quote(name));
        }
        String value = env.get(name);
        if ((value == null || value.isEmpty()) && fallback != null) {
            return fallback;
        }
        if (value == null) {
            throw new IllegalArgumentException(
                    "environment variable "
                            + name
                            + " is not set and has no default; write ${"
                            + name
                            + ":-value} to give one");
        }
        return value;
    }
}
