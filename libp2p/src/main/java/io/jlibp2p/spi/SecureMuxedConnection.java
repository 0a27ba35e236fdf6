package io.jlibp2p.spi;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;

/** A {@link MuxedConnection} that is authenticated by itself, such as a QUIC connection. */
public interface SecureMuxedConnection extends MuxedConnection {
  /** Our peer id. */
  PeerId localPeer();

  /** The authenticated remote peer. */
  PeerId remotePeer();

  /** The remote peer's identity key. */
  PublicKey remotePublicKey();

  /** Our address on this connection. */
  Multiaddr localAddress();

  /** The remote address of this connection. */
  Multiaddr remoteAddress();

  /** True when we dialed. */
  boolean isInitiator();

  /** A label for the security in use, e.g. {@code /tls/1.0.0} for QUIC. */
  ProtocolId securityProtocol();

  /** A label for the multiplexing in use, e.g. {@code /quic-v1}. */
  ProtocolId muxerProtocol();
}
