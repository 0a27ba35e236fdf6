package io.jlibp2p.host.internal;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.HostEvent;
import io.jlibp2p.core.PeerStore;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.identify.IdentifyMessage;
import java.io.IOException;
import io.jlibp2p.record.PeerRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Identify ({@code /ipfs/id/1.0.0}) on every new connection, the responder, and identify push
 * ({@code /ipfs/id/push/1.0.0}) both ways.
 */
final class Identify {
  private static final Logger LOG = Logger.getLogger(Identify.class.getName());

  private final HostImpl host;
  private final ReentrantLock recordLock = new ReentrantLock();
  private byte[] record;
  private List<Multiaddr> recordAddresses = List.of();
  private long recordSeq;

  Identify(HostImpl host) {
    this.host = host;
  }

  /** What we tell {@code remote} about ourselves. */
  IdentifyMessage ourMessage(Multiaddr observed) {
    return new IdentifyMessage(
        Optional.of(host.identity().publicKey().marshal()),
        host.listenAddresses(),
        host.protocols(),
        Optional.ofNullable(observed),
        Optional.of(host.config().protocolVersion()),
        Optional.of(host.config().agentVersion()),
        signedPeerRecord(),
        true,
        true);
  }

  /**
   * Our signed peer record for the current listen addresses, sealed again only when they change.
   * Its sequence number is the clock's time in microseconds, kept increasing.
   */
  Optional<byte[]> signedPeerRecord() {
    List<Multiaddr> addrs = host.listenAddresses();
    recordLock.lock();
    try {
      if (record == null || !recordAddresses.equals(addrs)) {
        long seq = Math.max(recordSeq + 1, host.config().clock().millis() * 1000);
        record = new PeerRecord(host.peerId(), seq, addrs).sign(host.identity()).toBytes();
        recordAddresses = addrs;
        recordSeq = seq;
      }
      return Optional.of(record);
    } finally {
      recordLock.unlock();
    }
  }

  /** The responder: sends our message and ends the stream. */
  void respond(Stream s) throws IOException {
    ourMessage(s.connection().remoteAddress()).writeTo(s.out());
  }

  /** Asks the peer of a new connection who it is; publishes {@link HostEvent.Identified}. */
  void identify(ConnectionImpl c) {
    try (Stream s = c.newStream(IdentifyMessage.ID)) {
      s.closeWrite();
      IdentifyMessage m = IdentifyMessage.readFrom(s.in());
      apply(c.remotePeer(), m);
      host.events()
          .publish(
              new HostEvent.Identified(
                  c.remotePeer(),
                  m.agentVersion().orElse(""),
                  m.protocolVersion().orElse(""),
                  m.protocols(),
                  m.listenAddresses(),
                  m.observedAddress().orElse(null)));
    } catch (IOException | RuntimeException e) {
      if (!c.isClosed()) {
        LOG.log(Level.FINE, "identify of " + c.remotePeer() + " failed", e);
      }
    }
  }

  /** The push receiver: applies what the peer says changed. */
  void receivePush(Stream s) throws IOException {
    IdentifyMessage m = IdentifyMessage.readFrom(s.in());
    apply(s.connection().remotePeer(), m);
  }

  private void apply(PeerId peer, IdentifyMessage m) throws ProtocolViolationException {
    PeerStore ps = host.peerStore();
    if (m.publicKey().isPresent()) {
      PublicKey key;
      try {
        key = PublicKey.unmarshal(m.publicKey().get());
      } catch (IllegalArgumentException e) {
        throw new ProtocolViolationException("identify: bad public key: " + e.getMessage(), e);
      }
      if (!peer.matches(key)) {
        throw new ProtocolViolationException("identify: public key does not match peer " + peer);
      }
      ps.setPublicKey(peer, key);
    }
    if (m.agentVersion().isPresent() || m.protocolVersion().isPresent()) {
      ps.setVersions(
          peer,
          m.agentVersion().orElse(ps.agentVersion(peer).orElse(null)),
          m.protocolVersion().orElse(ps.protocolVersion(peer).orElse(null)));
    }
    if (m.hasProtocols()) {
      ps.setProtocols(peer, new HashSet<>(m.protocols()));
    }
    if (m.hasListenAddresses()) {
      ps.addAddresses(peer, m.listenAddresses(), PeerStore.PROVIDER_TTL);
    }
    if (m.signedPeerRecord().isPresent()) {
      byte[] envelope = m.signedPeerRecord().get();
      try {
        PeerRecord r = PeerRecord.open(envelope);
        if (!r.peerId().equals(peer)) {
          throw new IllegalArgumentException("record of " + r.peerId() + " sent by " + peer);
        }
        if (ps.setSignedPeerRecord(peer, envelope, r.seq())) {
          ps.addAddresses(peer, r.addresses(), PeerStore.PROVIDER_TTL);
        }
      } catch (IllegalArgumentException e) {
        LOG.log(Level.FINE, "ignoring a bad signed peer record from " + peer, e);
      }
    }
  }

  /** Tells every connected peer our new protocol list. */
  void protocolsChanged() {
    if (host.isClosed()) {
      return;
    }
    for (Connection c : host.connections()) {
      try {
        host.threads().execute(() -> push((ConnectionImpl) c));
      } catch (RuntimeException e) {
        return; // shutting down
      }
    }
  }

  private void push(ConnectionImpl c) {
    try (Stream s = c.newStream(IdentifyMessage.PUSH_ID)) {
      ourMessage(c.remoteAddress()).writeTo(s.out());
      s.closeWrite();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "identify push to " + c.remotePeer() + " failed", e);
    }
  }
}
