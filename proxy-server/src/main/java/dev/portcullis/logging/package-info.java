/** Logging set-up for the program. */
@NullMarked
package dev.portcullis.logging;

import org.jspecify.annotations.NullMarked;
