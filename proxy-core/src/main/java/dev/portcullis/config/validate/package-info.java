/**
 * Configuration problems and the checks that find them: {@link ConfigProblem} (path, line and
 * message), the {@link Problems} collector, nearest-name suggestions, and the cross-checks that
 * compare entries with each other (duplicate names, shared ports, unknown references, HTTPS
 * redirects without a TLS listener, an admin listener open beyond loopback without a token).
 * Depends on nothing else in Portcullis, so every other configuration package may report through
 * it.
 */
@NullMarked
package dev.portcullis.config.validate;

import org.jspecify.annotations.NullMarked;
