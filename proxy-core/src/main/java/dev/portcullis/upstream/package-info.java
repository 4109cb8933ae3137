/**
 * Backends, their per-event-loop keep-alive pools and the forwarding of one request to one of them.
 */
@NullMarked
package dev.portcullis.upstream;

import org.jspecify.annotations.NullMarked;
