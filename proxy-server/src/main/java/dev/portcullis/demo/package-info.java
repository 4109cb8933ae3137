/** Two small in-process demo backends for the demo command. */
@NullMarked
package dev.portcullis.demo;

import org.jspecify.annotations.NullMarked;
