package io.jlibp2p.bench;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.transport.quic.QuicTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One row of the harness: a transport stack, how to build it in a jlibp2p host, and the options
 * that build the same stack in js-libp2p ({@code interop/js/perf.mjs}).
 *
 * @param name the row's name, e.g. {@code tcp/noise/yamux}
 * @param requires classes that must be on the class path for the jlibp2p side to exist
 * @param configure sets the transport, security and muxer of a builder
 * @param listen the listen address on loopback (port 0)
 * @param js the options of {@code perf.mjs} for the same stack
 * @param ceiling the cipher whose throughput bounds this stack (besides the raw socket)
 */
public record Combination(
    String name,
    List<String> requires,
    Consumer<Libp2p.Builder> configure,
    String listen,
    List<String> js,
    Ceiling ceiling) {

  /** The cipher a stack's records are encrypted with. */
  public enum Ceiling {
    /** Noise: ChaCha20-Poly1305. */
    NOISE,
    /** TLS 1.3 and QUIC: AES-GCM. */
    TLS
  }

  public Combination {
    requires = List.copyOf(requires);
    js = List.copyOf(js);
  }

  /** Whether this is TLS over TCP (tcp/tls/...), the rows compared with TLS records with no engine. */
  public boolean isTcpTls() {
    return name.startsWith("tcp/tls/");
  }

  /** Whether this is Noise over TCP (tcp/noise/...), the rows compared with Noise frames with no engine. */
  public boolean isTcpNoise() {
    return name.startsWith("tcp/noise/");
  }

  /** Every row, in the order of the report. */
  public static final List<Combination> ALL =
      List.of(
          tcp("noise", "yamux"),
          tcp("noise", "mplex"),
          tcp("tls", "yamux"),
          tcp("tls", "mplex"),
          new Combination(
              "ws/noise/yamux",
              List.of(),
              b -> b.transport(new WebSocketTransport())
                  .security(NoiseTransport::new)
                  .muxer(new YamuxMuxer()),
              "/ip4/127.0.0.1/tcp/0/ws",
              jsOptions("ws", "noise", "yamux"),
              Ceiling.NOISE),
          new Combination(
              "quic-v1",
              List.of(),
              b -> b.muxedTransport(QuicTransport::new),
              "/ip4/127.0.0.1/udp/0/quic-v1",
              jsOptions("quic", "noise", "yamux"),
              Ceiling.TLS));

  private static Combination tcp(String security, String muxer) {
    Consumer<Libp2p.Builder> configure =
        b -> {
          b.transport(new TcpTransport());
          if (security.equals("noise")) {
            b.security(NoiseTransport::new);
          } else {
            b.security(TlsTransport::new);
          }
          b.muxer(muxer.equals("yamux") ? new YamuxMuxer() : new MplexMuxer());
        };
    return new Combination(
        "tcp/" + security + "/" + muxer,
        List.of(),
        configure,
        "/ip4/127.0.0.1/tcp/0",
        jsOptions("tcp", security, muxer),
        security.equals("noise") ? Ceiling.NOISE : Ceiling.TLS);
  }

  private static List<String> jsOptions(String transport, String security, String muxer) {
    return List.of("--transport", transport, "--security", security, "--muxer", muxer);
  }

  /** The row named {@code name}. */
  public static Combination named(String name) {
    return ALL.stream()
        .filter(c -> c.name.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("combination: " + name + " (expected one of "
            + ALL.stream().map(Combination::name).toList() + ")"));
  }

  /** Why the jlibp2p side cannot be built here, or empty when it can. */
  public Optional<String> missing() {
    for (String c : requires) {
      try {
        Class.forName(c, false, Combination.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        return Optional.of(c + " is not on the class path");
      }
    }
    return Optional.empty();
  }
}
