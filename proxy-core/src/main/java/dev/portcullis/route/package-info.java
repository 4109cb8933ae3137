/**
 * Matching a request's host and path to a route and its upstream. May depend on {@code balance} and
 * {@code upstream}.
 */
@NullMarked
package dev.portcullis.route;

import org.jspecify.annotations.NullMarked;
