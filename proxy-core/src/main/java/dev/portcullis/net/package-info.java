/**
 * Client address resolution (socket peer, trusted X-Forwarded-For) and CIDR sets. Depends on no
 * other Portcullis package, so that every layer may use it.
 */
@NullMarked
package dev.portcullis.net;

import org.jspecify.annotations.NullMarked;
