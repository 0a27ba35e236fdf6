package io.jlibp2p.cli;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.plaintext.PlaintextTransport;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.transport.quic.QuicTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;

/** Host configurations named the way the libp2p test-plans name them. */
final class Stacks {
  private Stacks() {}

  /**
   * Configures {@code b} with exactly one transport, security and muxer, and returns the listen
   * address for {@code ip}.
   */
  static String configure(Libp2p.Builder b, String transport, String security, String muxer, String ip) {
    switch (transport) {
      case "tcp" -> b.transport(new TcpTransport());
      case "ws" -> b.transport(new WebSocketTransport());
      case "quic-v1" -> {
        b.muxedTransport(QuicTransport::new);
        return listenAddress(transport, ip, 0); // secure and multiplexed by itself
      }
      default -> throw new IllegalArgumentException("transport: " + transport + " (expected: tcp, ws, quic-v1)");
    }
    switch (security) {
      case "noise" -> b.security(NoiseTransport::new);
      case "tls" -> b.security(TlsTransport::new);
      case "plaintext" -> b.security(PlaintextTransport::new);
      default -> throw new IllegalArgumentException("security: " + security + " (expected: noise, tls, plaintext)");
    }
    switch (muxer) {
      case "yamux" -> b.muxer(new YamuxMuxer());
      case "mplex" -> b.muxer(new MplexMuxer());
      default -> throw new IllegalArgumentException("muxer: " + muxer + " (expected: yamux, mplex)");
    }
    return listenAddress(transport, ip, 0);
  }

  /** The multiaddr of {@code transport} at {@code ip} and {@code port}. */
  static String listenAddress(String transport, String ip, int port) {
    String proto = ip.contains(":") ? "ip6" : "ip4";
    return switch (transport) {
      case "tcp" -> "/" + proto + "/" + ip + "/tcp/" + port;
      case "ws" -> "/" + proto + "/" + ip + "/tcp/" + port + "/ws";
      case "quic-v1" -> "/" + proto + "/" + ip + "/udp/" + port + "/quic-v1";
      default -> throw new IllegalArgumentException("transport: " + transport + " (expected: tcp, ws, quic-v1)");
    };
  }
}
