package io.jlibp2p.transport.quic;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.spi.SecureMuxedListener;
import io.jlibp2p.spi.SecureMuxedTransport;
import io.jlibp2p.transport.quic.internal.QuicAddresses;
import io.jlibp2p.transport.quic.internal.QuicEngine;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * QUIC-v1 ({@code /ip4|ip6|dns|dns4|dns6/<host>/udp/<port>/quic-v1}): connections that are secure
 * (TLS 1.3 with the libp2p certificate, ALPN {@code libp2p}) and multiplexed by themselves, so the
 * host skips the upgrader for them. Built on netty-codec-native-quic (quiche and BoringSSL); no
 * Netty type appears in this API.
 *
 * <p>One UDP socket per listen address; a dial goes out from a listening socket of the remote's IP
 * family when there is one (the remote sees our listening port, as hole punching needs), else from
 * a shared ephemeral socket. Streams: half-close is FIN, reset is RESET_STREAM plus STOP_SENDING.
 *
 * <p>On Linux the sockets use Netty's native epoll transport (segmented sends, and received
 * datagrams coalesced by the kernel, or else many datagrams per read system call), else Java NIO;
 * {@code -Djlibp2p.quic.nio=true} forces NIO, {@code -Djlibp2p.quic.gro=false} turns coalescing
 * off.
 *
 * <p>Thread-safe. {@link #dial} blocks until the handshake is done (at most the timeout given and
 * {@link QuicConfig#handshakeTimeout()}). The transport owns its threads ({@link
 * QuicConfig#eventLoopThreads()} platform threads named {@code jlibp2p-quic-*}) and sockets;
 * {@link #close()} releases them all. Needs {@code --enable-native-access=ALL-UNNAMED} on JDK 24+.
 *
 * {@snippet :
 * Host host = Libp2p.builder()
 *     .muxedTransport(QuicTransport::new)
 *     .listen("/ip4/0.0.0.0/udp/4001/quic-v1")
 *     .build();
 * }
 */
public final class QuicTransport implements SecureMuxedTransport {
  private final QuicEngine engine;

  /** A transport with the {@link QuicConfig#DEFAULT default} configuration. */
  public QuicTransport(PrivateKey identity) {
    this(identity, QuicConfig.DEFAULT);
  }

  public QuicTransport(PrivateKey identity, QuicConfig config) {
    this(identity, config, new SecureRandom(), InstantSource.system());
  }

  /** With the randomness and the clock (certificate validity) to use. */
  public QuicTransport(PrivateKey identity, QuicConfig config, SecureRandom random, InstantSource clock) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(config, "config");
    this.engine = new QuicEngine(identity, config, random, clock);
  }

  @Override
  public boolean canDial(Multiaddr address) {
    return QuicAddresses.parse(address.withoutPeerId()) != null;
  }

  @Override
  public boolean canListen(Multiaddr address) {
    QuicAddresses.Target t = QuicAddresses.parse(address);
    return t != null && t.isIp();
  }

  @Override
  public SecureMuxedConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout)
      throws IOException {
    QuicAddresses.Target t = QuicAddresses.parse(address.withoutPeerId());
    if (t == null) {
      throw new IllegalArgumentException("address: " + address + " (expected: a quic-v1 address)");
    }
    PeerId expected = expectedRemote;
    if (expected == null && address.peerId().isPresent()) {
      expected = PeerId.parse(address.peerId().get());
    }
    return engine.dial(QuicAddresses.resolve(t), expected, timeout);
  }

  @Override
  public SecureMuxedListener listen(Multiaddr address) throws IOException {
    QuicAddresses.Target t = QuicAddresses.parse(address);
    if (t == null || !t.isIp()) {
      throw new IllegalArgumentException(
          "address: " + address + " (expected: /ip4|ip6/<ip>/udp/<port>/quic-v1)");
    }
    return engine.listen(QuicAddresses.resolve(t));
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "QUIC-v1 transport";
  }
}
