package dev.portcullis.config;

import dev.portcullis.config.source.EnvSubstitution;
import dev.portcullis.config.source.YamlNode;
import dev.portcullis.config.source.YamlReader;
import dev.portcullis.config.validate.ConfigProblem;
import dev.portcullis.config.validate.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads a configuration file: reads the YAML (with line numbers), substitutes {@code ${VAR}} from
 * the given environment, binds every section with its defaults and checks every rule. Bad input
 * never throws; it comes back as {@link ConfigResult.Invalid} with every problem found.
 *
 * <p>Relative file names in the configuration (certificates, keys, CA files) are resolved against
 * the directory of the configuration file. Whether those files exist and hold what they should is
 * checked by the parts that read them, at start and on reload.
 *
 * <p>Files are limited to {@value #MAX_BYTES} bytes (1 MiB) of UTF-8.
 */
public final class ConfigLoader {

    /** The largest configuration accepted, in bytes of UTF-8. */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private ConfigLoader() {}

    /**
     * Loads the file at {@code file}.
     *
     * @param env the environment for {@code ${VAR}}; production passes {@code System.getenv()}
     */
    public static ConfigResult load(Path file, Map<String, String> env) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            return fileProblem(
                    "cannot read configuration file "
                            + ConfigProblem.quote(file.toString())
                            + ": "
                            + reason(e));
        }
        if (bytes.length > MAX_BYTES) {
            return tooLarge(file.toString());
        }
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (CharacterCodingException e) {
            return fileProblem(
                    "configuration file "
                            + ConfigProblem.quote(file.toString())
                            + " is not UTF-8 text");
        }
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        return parse(text, file.toString(), directory == null ? absolute : directory, env);
    }

    /**
     * Loads configuration text. Relative file names in it are resolved against the working
     * directory, as there is no configuration file to resolve them against.
     *
     * @param sourceName names the text in problems about it as a whole, such as its file name
     * @param env the environment for {@code ${VAR}}; production passes {@code System.getenv()}
     */
    public static ConfigResult parse(String yaml, String sourceName, Map<String, String> env) {
        return parse(yaml, sourceName, Path.of("").toAbsolutePath(), env);
    }

    private static ConfigResult parse(
            String yaml, String sourceName, Path baseDirectory, Map<String, String> env) {
        if (utf8Length(yaml) > MAX_BYTES) {
            return tooLarge(sourceName);
        }
        String text =
                !yaml.isEmpty() && yaml.charAt(0) == BYTE_ORDER_MARK ? yaml.substring(1) : yaml;

        Problems problems = new Problems();
        YamlNode document = YamlReader.read(text, problems);
        if (document == null) {
            return new ConfigResult.Invalid(problems.sorted());
        }
        YamlNode substituted = EnvSubstitution.apply(document, env, problems);
        ProxyConfig config = ConfigBinder.bind(substituted, baseDirectory, problems);
        if (config == null || !problems.isEmpty()) {
            return new ConfigResult.Invalid(problems.sorted());
        }
        return new ConfigResult.Valid(config);
    }

    private static ConfigResult tooLarge(String sourceName) {
        return fileProblem(
                "configuration "
                        + ConfigProblem.quote(sourceName)
                        + " is larger than the limit of 1 MiB");
    }

    private static ConfigResult fileProblem(String message) {
        return new ConfigResult.Invalid(List.of(new ConfigProblem("", 0, message)));
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static long utf8Length(String text) {
        if (text.length() > MAX_BYTES) {
            return text.length();
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
