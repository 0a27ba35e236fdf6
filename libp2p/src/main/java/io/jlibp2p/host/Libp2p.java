package io.jlibp2p.host;

import io.jlibp2p.core.Host;
import io.jlibp2p.core.ProtocolHandler;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.host.internal.HostImpl;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.spi.SecureMuxedTransport;
import io.jlibp2p.spi.SecureMuxedTransportProvider;
import io.jlibp2p.spi.SecureTransport;
import io.jlibp2p.spi.StreamMuxer;
import io.jlibp2p.spi.Transport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The one way to build a {@link Host}.
 *
 * <p>Defaults fill only what was not set: a fresh Ed25519 identity; the TCP and WebSocket
 * transports (ws; wss dialing with the JDK's trust store), plus every {@link
 * SecureMuxedTransportProvider} on the class path (QUIC, when the {@code libp2p-quic} module is
 * there); Noise then TLS security; yamux then mplex; {@link HostLimits#DEFAULT}; and, as in
 * go-libp2p, listening on {@value #DEFAULT_TCP_LISTEN} plus each provider's default addresses (QUIC:
 * {@code /ip4/0.0.0.0/udp/0/quic-v1}), keeping only those a configured transport can listen on
 * ({@link Builder#noListen()} makes a host that only dials). Ping ({@code /ipfs/ping/1.0.0}) and
 * identify ({@code /ipfs/id/1.0.0}, {@code /ipfs/id/push/1.0.0}) are always served. Setting any
 * transport (plain or secure-muxed), security or muxer replaces that default list by the ones
 * given, in preference order.
 *
 * {@snippet :
 * Host host = Libp2p.builder()
 *     .listen("/ip4/0.0.0.0/tcp/4001")
 *     .handler(ProtocolId.of("/echo/1.0.0"), s -> s.in().transferTo(s.out()))
 *     .build();
 * }
 *
 * <p>A builder is not thread-safe; the host it builds is.
 */
public final class Libp2p {
  /** This library's version, e.g. {@code 0.1.0}. */
  public static final String VERSION = readVersion();

  /** The TCP address a host listens on when no listen address was given. */
  public static final String DEFAULT_TCP_LISTEN = "/ip4/0.0.0.0/tcp/0";

  /** The identify protocol version we announce. */
  public static final String PROTOCOL_VERSION = "ipfs/0.1.0";

  private static final System.Logger LOG = System.getLogger(Libp2p.class.getName());

  private Libp2p() {}

  /** A new builder with nothing set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects a host's configuration; see {@link Libp2p}. */
  public static final class Builder {
    private PrivateKey identity;
    private final List<Multiaddr> listen = new ArrayList<>();
    private boolean noListen;
    private final List<Transport> transports = new ArrayList<>();
    private final List<Function<PrivateKey, SecureMuxedTransport>> muxedTransports = new ArrayList<>();
    private final List<Function<PrivateKey, SecureTransport>> security = new ArrayList<>();
    private final List<StreamMuxer> muxers = new ArrayList<>();
    private final Map<ProtocolId, ProtocolHandler> handlers = new LinkedHashMap<>();
    private HostLimits limits = HostLimits.DEFAULT;
    private String agentVersion = "jlibp2p/" + VERSION;
    private InstantSource clock = InstantSource.system();

    private Builder() {}

    /** The host's identity key (default: a fresh Ed25519 key). */
    public Builder identity(PrivateKey key) {
      this.identity = Objects.requireNonNull(key, "identity");
      return this;
    }

    /** Adds listen addresses, e.g. {@code /ip4/0.0.0.0/tcp/0}. */
    public Builder listen(String... addresses) {
      for (String a : addresses) {
        listen.add(Multiaddr.parse(a));
      }
      return this;
    }

    /** Adds listen addresses. */
    public Builder listen(Multiaddr... addresses) {
      listen.addAll(List.of(addresses));
      return this;
    }

    /** Listens nowhere (instead of the default addresses): a host that only dials. */
    public Builder noListen() {
      this.noListen = true;
      return this;
    }

    /** Adds a transport (replacing the default TCP and WebSocket unless added too). The host closes it. */
    public Builder transport(Transport transport) {
      transports.add(Objects.requireNonNull(transport, "transport"));
      return this;
    }

    /**
     * Adds a transport that is secure and multiplexed by itself (QUIC), made from the identity key,
     * e.g. {@code QuicTransport::new}. The host closes it.
     */
    public Builder muxedTransport(Function<PrivateKey, SecureMuxedTransport> factory) {
      muxedTransports.add(Objects.requireNonNull(factory, "muxedTransport"));
      return this;
    }

    /** Adds a security protocol, made from the identity key, e.g. {@code NoiseTransport::new}. */
    public Builder security(Function<PrivateKey, SecureTransport> factory) {
      security.add(Objects.requireNonNull(factory, "security"));
      return this;
    }

    /** Adds a stream muxer, in preference order. */
    public Builder muxer(StreamMuxer muxer) {
      muxers.add(Objects.requireNonNull(muxer, "muxer"));
      return this;
    }

    /** Serves {@code id} with {@code handler}. */
    public Builder handler(ProtocolId id, ProtocolHandler handler) {
      handlers.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** Bounds and timeouts (default {@link HostLimits#DEFAULT}). */
    public Builder limits(HostLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Shortcut for {@code limits(limits.withDialTimeout(timeout))}. */
    public Builder dialTimeout(Duration timeout) {
      this.limits = limits.withDialTimeout(timeout);
      return this;
    }

    /** The agent version announced by identify (default {@code jlibp2p/<version>}). */
    public Builder agentVersion(String agentVersion) {
      this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion");
      return this;
    }

    /** The clock of address time-to-lives (default: the system clock). */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the host and starts listening. Blocking while binding. On failure nothing is left
     * open.
     */
    public Host build() throws IOException {
      PrivateKey key = identity != null ? identity : PrivateKey.generate(KeyType.ED25519);
      boolean defaultTransports = transports.isEmpty() && muxedTransports.isEmpty();
      List<Transport> ts = transports.isEmpty()
          ? List.of(new TcpTransport(), new WebSocketTransport())
          : List.copyOf(transports);
      List<SecureMuxedTransportProvider> providers =
          defaultTransports
              ? ServiceLoader.load(SecureMuxedTransportProvider.class, Libp2p.class.getClassLoader())
                  .stream().map(ServiceLoader.Provider::get).toList()
              : List.of();
      List<Function<PrivateKey, SecureTransport>> sf =
          security.isEmpty() ? List.of(NoiseTransport::new, TlsTransport::new) : security;
      List<SecureTransport> sec = sf.stream().map(f -> f.apply(key)).toList();
      List<StreamMuxer> mux =
          muxers.isEmpty() ? List.of(new YamuxMuxer(), new MplexMuxer()) : List.copyOf(muxers);
      List<SecureMuxedTransport> mts = new ArrayList<>();
      muxedTransports.forEach(f -> mts.add(f.apply(key)));
      for (SecureMuxedTransportProvider p : providers) {
        try {
          mts.add(p.create(key));
        } catch (RuntimeException | LinkageError e) {
          // e.g. QUIC's native library does not load on this platform: the host goes without it
          LOG.log(System.Logger.Level.WARNING,
              "default transport " + p.getClass().getName() + " is unavailable: " + e, e);
        }
      }
      List<Multiaddr> addresses = listen;
      if (addresses.isEmpty() && !noListen) {
        List<Multiaddr> candidates = new ArrayList<>();
        candidates.add(Multiaddr.parse(DEFAULT_TCP_LISTEN));
        providers.forEach(p -> candidates.addAll(p.defaultListenAddresses()));
        addresses =
            candidates.stream()
                .filter(a -> ts.stream().anyMatch(t -> t.canListen(a))
                    || mts.stream().anyMatch(t -> t.canListen(a)))
                .toList();
      }
      return HostImpl.start(
          new HostImpl.Config(key, ts, List.copyOf(mts), sec, mux, List.copyOf(addresses),
              Map.copyOf(handlers), limits, agentVersion, PROTOCOL_VERSION, clock));
    }
  }

  private static String readVersion() {
    try (InputStream in = Libp2p.class.getResourceAsStream("/io/jlibp2p/version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
