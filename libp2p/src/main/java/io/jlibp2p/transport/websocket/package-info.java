/**
 * The WebSocket transport ({@code /ws}, {@code /tls/ws}, {@code /wss}): RFC 6455 framing and the
 * HTTP/1.1 upgrade written for jlibp2p, on JDK sockets and the JDK's TLS. See {@link
 * io.jlibp2p.transport.websocket.WebSocketTransport}.
 */
package io.jlibp2p.transport.websocket;
