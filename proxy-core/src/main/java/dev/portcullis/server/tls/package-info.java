/**
 * TLS of the front end and of the backend connections: the one protocol and cipher-suite policy,
 * loading and checking certificate files, one shared {@code SslContext} per certificate with SNI
 * selection and atomic reload, handshake metrics, client-certificate subjects and the client
 * contexts for {@code https} backends. Depends on {@code config} and {@code metrics} only.
 */
@NullMarked
package dev.portcullis.server.tls;

import org.jspecify.annotations.NullMarked;
