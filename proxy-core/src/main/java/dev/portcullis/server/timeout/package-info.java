/** Timeouts of connections and exchanges, watched per event loop without a task per deadline. */
@NullMarked
package dev.portcullis.server.timeout;

import org.jspecify.annotations.NullMarked;
