package dev.portcullis.config.source;

import dev.portcullis.config.validate.ConfigProblem;
import java.util.regex.Pattern;

/**
 * Builds the paths that problems are reported at, such as {@code upstreams[0].backends[1].url}. A
 * key that is not a plain word is written quoted in brackets ({@code limits["max conn"]}), so a
 * path stays on one line whatever the file contains.
 */
public final class YamlPath {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private YamlPath() {}

    /** The path of {@code key} inside the mapping at {@code parent} ("" is the top level). */
    public static String key(String parent, String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            return parent + "[" + ConfigProblem.quote(key) + "]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** The path of item {@code index} (from 0) of the list at {@code parent}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
