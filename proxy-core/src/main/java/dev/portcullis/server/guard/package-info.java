/** The accept-time guard: connection caps checked before a single byte is read. */
@NullMarked
package dev.portcullis.server.guard;

import org.jspecify.annotations.NullMarked;
