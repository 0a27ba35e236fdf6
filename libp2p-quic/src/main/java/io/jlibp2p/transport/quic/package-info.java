/**
 * QUIC-v1 for jlibp2p ({@link io.jlibp2p.transport.quic.QuicTransport}): libp2p TLS inside QUIC,
 * QUIC streams as libp2p streams. The only package of jlibp2p built on Netty; Netty stays in
 * {@code internal}.
 */
package io.jlibp2p.transport.quic;
