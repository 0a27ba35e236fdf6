package io.jlibp2p.cli;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.plaintext.PlaintextTransport;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.transport.tcp.TcpTransport;

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
      default -> throw new IllegalArgumentException("transport: " + transport + " (expected: tcp)");
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
      default -> throw new IllegalArgumentException("transport: " + transport + " (expected: tcp)");
    };
  }
}
