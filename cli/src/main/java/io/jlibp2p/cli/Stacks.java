package io.jlibp2p.cli;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Multiaddr.Protocol;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.plaintext.PlaintextTransport;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.transport.quic.QuicTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.util.List;
import java.util.stream.Stream;

/** Host configurations named the way the libp2p test-plans name them. */
final class Stacks {
  private Stacks() {}

  /**
   * Configures {@code b} with exactly one transport, security and muxer, and returns the listen
   * address for {@code ip}.
   */
  static String configure(Libp2p.Builder b, String transport, String security, String muxer, String ip) {
    configure(b, List.of(transport), List.of(security), List.of(muxer));
    return listenAddress(transport, ip, 0);
  }

  /**
   * Configures {@code b} with {@code transports} and, when one of them is not secured and
   * multiplexed by itself (all but quic-v1), the security protocols and muxers, in preference order.
   */
  static void configure(Libp2p.Builder b, List<String> transports, List<String> securities, List<String> muxers) {
    boolean upgraded = false;
    for (String transport : transports) {
      switch (transport) {
        case "tcp" -> b.transport(new TcpTransport());
        case "ws" -> b.transport(new WebSocketTransport());
        case "quic-v1" -> b.muxedTransport(QuicTransport::new); // secure and multiplexed by itself
        default -> throw new IllegalArgumentException("transport: " + transport + " (expected: tcp, ws, quic-v1)");
      }
      upgraded |= !transport.equals("quic-v1");
    }
    if (!upgraded) {
      return;
    }
    for (String security : securities) {
      switch (security) {
        case "noise" -> b.security(NoiseTransport::new);
        case "tls" -> b.security(TlsTransport::new);
        case "plaintext" -> b.security(PlaintextTransport::new);
        default -> throw new IllegalArgumentException("security: " + security + " (expected: noise, tls, plaintext)");
      }
    }
    for (String muxer : muxers) {
      switch (muxer) {
        case "yamux" -> b.muxer(new YamuxMuxer());
        case "mplex" -> b.muxer(new MplexMuxer());
        default -> throw new IllegalArgumentException("muxer: " + muxer + " (expected: yamux, mplex)");
      }
    }
  }

  /** {@code first}, then those of {@code others} that are not it: a server's preference order. */
  static List<String> preferring(String first, List<String> others) {
    return Stream.concat(Stream.of(first), others.stream().filter(o -> !o.equals(first))).toList();
  }

  /** The test-plans name of the transport that {@code address} is reached over. */
  static String transportOf(Multiaddr address) {
    if (address.has(Protocol.QUIC_V1)) {
      return "quic-v1";
    }
    if (address.has(Protocol.WS) || address.has(Protocol.WSS)) {
      return "ws";
    }
    if (address.has(Protocol.TCP)) {
      return "tcp";
    }
    throw new IllegalArgumentException("address: " + address + " (expected: a tcp, ws or quic-v1 multiaddr)");
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
