/** Reloading the configuration: on file change, on SIGHUP and through the admin API. */
@NullMarked
package dev.portcullis.reload;

import org.jspecify.annotations.NullMarked;
