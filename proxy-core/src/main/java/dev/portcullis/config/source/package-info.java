/**
 * Reading the configuration text: a small YAML tree whose every node knows its line ({@link
 * YamlNode}, built by {@link YamlReader} from Jackson's streaming parser), the YAML paths used in
 * problems ({@link YamlPath}), and {@code ${VAR}} substitution in scalar values ({@link
 * EnvSubstitution}). Reports through {@code config.validate}; knows nothing of the schema.
 */
@NullMarked
package dev.portcullis.config.source;

import org.jspecify.annotations.NullMarked;
