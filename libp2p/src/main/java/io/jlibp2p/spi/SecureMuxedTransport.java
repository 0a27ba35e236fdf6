package io.jlibp2p.spi;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.io.IOException;
import java.time.Duration;

/**
 * A transport whose connections are secure and multiplexed by themselves (QUIC, WebTransport): the
 * host skips the upgrader for them. Implementations hold the local identity key and are
 * thread-safe.
 */
public interface SecureMuxedTransport extends AutoCloseable {
  /** Whether {@link #dial} understands {@code address} (with or without a trailing {@code /p2p}). */
  boolean canDial(Multiaddr address);

  /** Whether {@link #listen} understands {@code address}. */
  boolean canListen(Multiaddr address);

  /**
   * Opens an authenticated connection to {@code address}; blocks at most {@code timeout}. A peer
   * other than {@code expectedRemote} (when not null) ends in {@link
   * io.jlibp2p.core.PeerIdMismatchException}. The caller owns the connection.
   */
  SecureMuxedConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout)
      throws IOException;

  /** Starts listening; the caller owns the listener. */
  SecureMuxedListener listen(Multiaddr address) throws IOException;

  /** Closes every listener and releases the transport's threads and sockets. */
  @Override
  void close();
}
