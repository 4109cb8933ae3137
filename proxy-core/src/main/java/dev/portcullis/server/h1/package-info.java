/**
 * The HTTP/1.1 front end: a strict request decoder that refuses every ambiguous framing rather than
 * repairing it, and a response encoder that knows which responses carry no body.
 */
@NullMarked
package dev.portcullis.server.h1;

import org.jspecify.annotations.NullMarked;
