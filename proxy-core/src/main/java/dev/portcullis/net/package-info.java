/** Client address resolution (socket peer, trusted X-Forwarded-For) and CIDR sets. */
@NullMarked
package dev.portcullis.net;

import org.jspecify.annotations.NullMarked;
