/** The admin listener: health, readiness and Prometheus metrics. */
@NullMarked
package dev.portcullis.admin;

import org.jspecify.annotations.NullMarked;
