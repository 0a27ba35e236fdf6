package io.jlibp2p.spi;

import io.jlibp2p.core.ProtocolId;

/** A stream multiplexer (yamux, mplex). Thread-safe; holds only configuration. */
public interface StreamMuxer {
  /** The multistream-select id, e.g. {@code /yamux/1.0.0}. */
  ProtocolId protocolId();

  /**
   * Starts multiplexing over {@code connection}, which the returned connection now owns: closing
   * the muxed connection closes it. Starts the connection's reader thread (a virtual thread).
   *
   * @param initiator whether we dialed the underlying connection (decides stream id parity)
   */
  MuxedConnection create(RawConnection connection, boolean initiator);
}
