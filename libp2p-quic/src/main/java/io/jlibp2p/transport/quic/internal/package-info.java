/**
 * Not API: the Netty QUIC plumbing behind {@link io.jlibp2p.transport.quic.QuicTransport}: UDP
 * endpoints with a datagram router (server and client codecs on one socket), libp2p TLS for
 * BoringSSL, and the adapters from QUIC channels to jlibp2p connections and streams.
 */
package io.jlibp2p.transport.quic.internal;
