/**
 * Balancing policies that pick a backend of an upstream. May depend on {@code upstream} and {@code
 * config}.
 */
@NullMarked
package dev.portcullis.balance;

import org.jspecify.annotations.NullMarked;
