package io.jlibp2p.spi;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import java.util.Optional;

/**
 * A {@link RawConnection} after a security handshake: the remote peer is authenticated. Closing it
 * closes the underlying connection.
 */
public interface SecureConnection extends RawConnection {
  /** Our peer id. */
  PeerId localPeer();

  /** The authenticated remote peer. */
  PeerId remotePeer();

  /** The remote peer's identity key. */
  PublicKey remotePublicKey();

  /** The security protocol that produced this connection, e.g. {@code /noise}. */
  ProtocolId securityProtocol();

  /** The muxer agreed during the handshake, if both sides offered one in common. */
  Optional<ProtocolId> earlyMuxer();
}
