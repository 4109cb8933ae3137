/** Matching a request's host and path to a route and its upstream. */
@NullMarked
package dev.portcullis.route;

import org.jspecify.annotations.NullMarked;
