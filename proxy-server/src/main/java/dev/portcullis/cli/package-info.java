/** The picocli commands: run, validate, demo, version. */
@NullMarked
package dev.portcullis.cli;

import org.jspecify.annotations.NullMarked;
