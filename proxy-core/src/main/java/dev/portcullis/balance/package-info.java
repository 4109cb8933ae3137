/** Balancing policies that pick a backend of an upstream. */
@NullMarked
package dev.portcullis.balance;

import org.jspecify.annotations.NullMarked;
