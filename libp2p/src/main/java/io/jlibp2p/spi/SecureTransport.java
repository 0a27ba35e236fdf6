package io.jlibp2p.spi;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import java.io.IOException;
import java.util.List;

/**
 * A security protocol (Noise, TLS, plaintext) that authenticates the remote peer and, except for
 * plaintext, encrypts a {@link RawConnection}. Implementations hold the local identity key and are
 * thread-safe; each handshake runs on the calling thread and blocks until done.
 */
public interface SecureTransport {
  /** The multistream-select id, e.g. {@code /noise}. */
  ProtocolId protocolId();

  /**
   * Runs the handshake as initiator.
   *
   * @param connection the raw connection; on failure it is closed
   * @param expectedRemote the peer we mean to reach, or {@code null} to accept any; a different
   *     peer ends in {@link io.jlibp2p.core.PeerIdMismatchException}
   * @param muxers the muxers we support in preference order, offered for early negotiation where
   *     the protocol can carry them (Noise extensions, TLS ALPN); may be empty
   */
  SecureConnection secureOutbound(
      RawConnection connection, PeerId expectedRemote, List<ProtocolId> muxers) throws IOException;

  /** Runs the handshake as responder; see {@link #secureOutbound}. */
  SecureConnection secureInbound(RawConnection connection, List<ProtocolId> muxers)
      throws IOException;
}
