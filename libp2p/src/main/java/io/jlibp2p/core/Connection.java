package io.jlibp2p.core;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.io.Closeable;
import java.io.IOException;

/**
 * An authenticated, multiplexed connection to one peer. Thread-safe. Owned by the {@link Host}:
 * closing it is allowed from any thread and is seen by the peer.
 */
public interface Connection extends Closeable {
  /** The authenticated remote peer. */
  PeerId remotePeer();

  /** Our address on this connection. */
  Multiaddr localAddress();

  /** The peer's address on this connection. */
  Multiaddr remoteAddress();

  /** Whether we dialed ({@code OUTBOUND}) or accepted ({@code INBOUND}) this connection. */
  Direction direction();

  /** The security protocol, e.g. {@code /noise}. */
  ProtocolId security();

  /** The stream muxer, e.g. {@code /yamux/1.0.0}. */
  ProtocolId muxer();

  /**
   * Opens a stream and negotiates the first of {@code protocols} the peer supports. Blocking. A
   * single protocol is negotiated optimistically (its failure shows on the first read).
   */
  Stream newStream(ProtocolId... protocols) throws IOException;

  /** Whether the connection is closed. */
  boolean isClosed();

  /** Closes the connection and every stream on it. Idempotent, never throws. */
  @Override
  void close();

  /** Who opened a connection. */
  enum Direction {
    INBOUND,
    OUTBOUND
  }
}
