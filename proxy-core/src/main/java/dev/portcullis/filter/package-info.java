/** The request and response filter chain: the Filter contract, the Exchange and verdicts. */
@NullMarked
package dev.portcullis.filter;

import org.jspecify.annotations.NullMarked;
