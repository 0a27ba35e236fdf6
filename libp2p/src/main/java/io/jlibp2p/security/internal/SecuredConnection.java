package io.jlibp2p.security.internal;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SecureConnection} made of a raw connection, the streams a security protocol layered on
 * it and the handshake's outcome. Same threading rules as {@link RawConnection}; closing it closes
 * the raw connection.
 */
public final class SecuredConnection implements SecureConnection {
  private final RawConnection raw;
  private final InputStream in;
  private final OutputStream out;
  private final PeerId localPeer;
  private final PeerId remotePeer;
  private final PublicKey remotePublicKey;
  private final ProtocolId securityProtocol;
  private final Optional<ProtocolId> earlyMuxer;
  private final int preferredFrameSize;

  /** @param preferredFrameSize what {@link #preferredFrameSize()} returns; at least 1 */
  public SecuredConnection(
      RawConnection raw,
      InputStream in,
      OutputStream out,
      PeerId localPeer,
      PeerId remotePeer,
      PublicKey remotePublicKey,
      ProtocolId securityProtocol,
      Optional<ProtocolId> earlyMuxer,
      int preferredFrameSize) {
    if (preferredFrameSize < 1) {
      throw new IllegalArgumentException("preferredFrameSize: " + preferredFrameSize + " (expected: >= 1)");
    }
    this.preferredFrameSize = preferredFrameSize;
    this.raw = Objects.requireNonNull(raw, "raw");
    this.in = Objects.requireNonNull(in, "in");
    this.out = Objects.requireNonNull(out, "out");
    this.localPeer = Objects.requireNonNull(localPeer, "localPeer");
    this.remotePeer = Objects.requireNonNull(remotePeer, "remotePeer");
    this.remotePublicKey = Objects.requireNonNull(remotePublicKey, "remotePublicKey");
    this.securityProtocol = Objects.requireNonNull(securityProtocol, "securityProtocol");
    this.earlyMuxer = Objects.requireNonNull(earlyMuxer, "earlyMuxer");
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public Multiaddr localAddress() {
    return raw.localAddress();
  }

  @Override
  public Multiaddr remoteAddress() {
    return raw.remoteAddress();
  }

  @Override
  public boolean isInitiator() {
    return raw.isInitiator();
  }

  @Override
  public int preferredFrameSize() {
    return preferredFrameSize;
  }

  @Override
  public PeerId localPeer() {
    return localPeer;
  }

  @Override
  public PeerId remotePeer() {
    return remotePeer;
  }

  @Override
  public PublicKey remotePublicKey() {
    return remotePublicKey;
  }

  @Override
  public ProtocolId securityProtocol() {
    return securityProtocol;
  }

  @Override
  public Optional<ProtocolId> earlyMuxer() {
    return earlyMuxer;
  }

  @Override
  public void close() {
    raw.close();
  }

  @Override
  public String toString() {
    return securityProtocol + " connection to " + remotePeer;
  }
}
