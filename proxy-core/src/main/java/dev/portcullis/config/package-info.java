/**
 * Immutable records of the configuration, YAML parsing, defaults and validation with paths and line
 * numbers.
 */
@NullMarked
package dev.portcullis.config;

import org.jspecify.annotations.NullMarked;
