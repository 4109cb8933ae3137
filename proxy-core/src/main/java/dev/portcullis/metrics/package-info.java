/** The meter names and tags an operator sees, in one place, and the meters of the request path. */
@NullMarked
package dev.portcullis.metrics;

import org.jspecify.annotations.NullMarked;
