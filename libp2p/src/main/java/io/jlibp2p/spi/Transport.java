package io.jlibp2p.spi;

import io.jlibp2p.multiformats.Multiaddr;
import java.io.IOException;
import java.time.Duration;

/**
 * A way to reach peers: TCP, WebSocket, memory. Implementations are thread-safe.
 *
 * <p>Transports that are already secure and multiplexed (QUIC) implement a different SPI.
 */
public interface Transport extends AutoCloseable {
  /** Whether {@link #dial} understands {@code address} (with or without a trailing {@code /p2p}). */
  boolean canDial(Multiaddr address);

  /** Whether {@link #listen} understands {@code address}. */
  boolean canListen(Multiaddr address);

  /** Opens a connection to {@code address}; blocks at most {@code timeout}. The caller owns it. */
  RawConnection dial(Multiaddr address, Duration timeout) throws IOException;

  /** Starts listening on {@code address}; the caller owns the listener and must close it. */
  TransportListener listen(Multiaddr address) throws IOException;

  /** Closes every listener this transport opened. Open connections are left to their owners. */
  @Override
  void close();
}
