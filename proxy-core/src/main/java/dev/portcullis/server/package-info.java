/**
 * The front end: transport, listeners, the HTTP/1.1 pipeline and the per-connection exchange
 * driver.
 */
@NullMarked
package dev.portcullis.server;

import org.jspecify.annotations.NullMarked;
