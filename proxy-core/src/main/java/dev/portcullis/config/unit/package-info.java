/** Typed values of the configuration: sizes ({@code 16KiB}), durations ({@code 10s}). */
@NullMarked
package dev.portcullis.config.unit;

import org.jspecify.annotations.NullMarked;
