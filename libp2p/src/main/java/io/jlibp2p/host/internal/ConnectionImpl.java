package io.jlibp2p.host.internal;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.negotiation.MultistreamSelect;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.SecureMuxedConnection;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A host's connection: the muxed connection with what the upgrade learned. */
final class ConnectionImpl implements Connection {
  private final HostImpl host;
  private final MuxedConnection muxed;
  private final PeerId remotePeer;
  private final PublicKey remoteKey;
  private final Multiaddr local;
  private final Multiaddr remote;
  private final Direction direction;
  private final ProtocolId security;
  private final ProtocolId muxer;
  private final AtomicBoolean closed = new AtomicBoolean();

  ConnectionImpl(HostImpl host, Upgrader.Upgraded u, Direction direction) {
    this.host = host;
    this.muxed = u.muxed();
    this.remotePeer = u.secure().remotePeer();
    this.remoteKey = u.secure().remotePublicKey();
    this.local = u.secure().localAddress();
    this.remote = u.secure().remoteAddress();
    this.direction = direction;
    this.security = u.secure().securityProtocol();
    this.muxer = u.muxer();
  }

  /** A connection of a transport that is secure and multiplexed by itself. */
  ConnectionImpl(HostImpl host, SecureMuxedConnection c) {
    this.host = host;
    this.muxed = c;
    this.remotePeer = c.remotePeer();
    this.remoteKey = c.remotePublicKey();
    this.local = c.localAddress();
    this.remote = c.remoteAddress();
    this.direction = c.isInitiator() ? Direction.OUTBOUND : Direction.INBOUND;
    this.security = c.securityProtocol();
    this.muxer = c.muxerProtocol();
  }

  MuxedConnection muxed() {
    return muxed;
  }

  PublicKey remotePublicKey() {
    return remoteKey;
  }

  @Override
  public PeerId remotePeer() {
    return remotePeer;
  }

  @Override
  public Multiaddr localAddress() {
    return local;
  }

  @Override
  public Multiaddr remoteAddress() {
    return remote;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public ProtocolId security() {
    return security;
  }

  @Override
  public ProtocolId muxer() {
    return muxer;
  }

  @Override
  public Stream newStream(ProtocolId... protocols) throws IOException {
    if (protocols.length == 0) {
      throw new IllegalArgumentException("protocols: none (expected: at least one)");
    }
    MuxedStream ms = muxed.openStream();
    try {
      if (protocols.length == 1) {
        InputStream in = MultistreamSelect.selectOptimistic(ms.in(), ms.out(), protocols[0]);
        return new StreamImpl(ms, protocols[0], this, in);
      }
      ProtocolId p = MultistreamSelect.select(ms.in(), ms.out(), List.of(protocols));
      return new StreamImpl(ms, p, this, ms.in());
    } catch (IOException | RuntimeException e) {
      ms.reset();
      throw e;
    }
  }

  /** Serves inbound streams until the connection ends; runs on its own virtual thread. */
  void acceptLoop() {
    try {
      while (true) {
        MuxedStream ms = muxed.acceptStream();
        host.serveInbound(this, ms);
      }
    } catch (IOException | RuntimeException e) {
      // the connection ended
    } finally {
      close();
    }
  }

  @Override
  public boolean isClosed() {
    return closed.get() || muxed.isClosed();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      muxed.close();
      host.onClosed(this);
    }
  }

  @Override
  public String toString() {
    return direction.name().toLowerCase() + " " + remotePeer + " " + remote + " " + security + " "
        + muxer;
  }
}
