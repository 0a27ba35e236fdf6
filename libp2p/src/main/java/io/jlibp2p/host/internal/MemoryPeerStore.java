package io.jlibp2p.host.internal;

import io.jlibp2p.core.PeerStore;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** The in-memory {@link PeerStore}. Bounded in peers and in addresses and protocols per peer. */
public final class MemoryPeerStore implements PeerStore {
  /** Peers held at most; beyond, the least recently updated is evicted. */
  public static final int MAX_PEERS = 10_000;

  /** Addresses held per peer at most. */
  public static final int MAX_ADDRESSES_PER_PEER = 64;

  /** Protocols held per peer at most. */
  public static final int MAX_PROTOCOLS_PER_PEER = 256;

  private final InstantSource clock;
  private final Map<PeerId, Entry> peers = new ConcurrentHashMap<>();
  private final ReentrantLock evictLock = new ReentrantLock();

  public MemoryPeerStore(InstantSource clock) {
    this.clock = clock;
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    final Map<Multiaddr, Instant> addresses = new LinkedHashMap<>();
    Set<ProtocolId> protocols = Set.of();
    PublicKey key;
    String agentVersion;
    String protocolVersion;
    byte[] record;
    long recordSeq = -1;
    volatile Instant updated;
  }

  private Entry entry(PeerId peer) {
    Entry e = peers.get(peer);
    if (e == null) {
      e = peers.computeIfAbsent(peer, p -> new Entry());
      e.updated = clock.instant();
      if (peers.size() > MAX_PEERS) {
        evict();
      }
    }
    e.updated = clock.instant();
    return e;
  }

  private void evict() {
    evictLock.lock();
    try {
      while (peers.size() > MAX_PEERS) {
        peers.entrySet().stream()
            .min(Comparator.comparing(en -> en.getValue().updated))
            .ifPresent(en -> peers.remove(en.getKey()));
      }
    } finally {
      evictLock.unlock();
    }
  }

  @Override
  public void addAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
    Entry e = entry(peer);
    Instant expiry = clock.instant().plus(ttl);
    e.lock.lock();
    try {
      for (Multiaddr a : addresses) {
        Multiaddr bare = a.withoutPeerId();
        Instant old = e.addresses.get(bare);
        if (old == null && e.addresses.size() >= MAX_ADDRESSES_PER_PEER) {
          pruneExpired(e);
          if (e.addresses.size() >= MAX_ADDRESSES_PER_PEER) {
            continue;
          }
        }
        if (old == null || old.isBefore(expiry)) {
          e.addresses.put(bare, expiry);
        }
      }
    } finally {
      e.lock.unlock();
    }
  }

  private void pruneExpired(Entry e) {
    Instant now = clock.instant();
    e.addresses.values().removeIf(exp -> !exp.isAfter(now));
  }

  @Override
  public List<Multiaddr> addresses(PeerId peer) {
    Entry e = peers.get(peer);
    if (e == null) {
      return List.of();
    }
    e.lock.lock();
    try {
      pruneExpired(e);
      return new ArrayList<>(e.addresses.keySet());
    } finally {
      e.lock.unlock();
    }
  }

  @Override
  public void setProtocols(PeerId peer, Set<ProtocolId> protocols) {
    if (protocols.size() > MAX_PROTOCOLS_PER_PEER) {
      protocols = Set.copyOf(protocols.stream().sorted().limit(MAX_PROTOCOLS_PER_PEER).toList());
    }
    entry(peer).protocols = Set.copyOf(protocols);
  }

  @Override
  public Set<ProtocolId> protocols(PeerId peer) {
    Entry e = peers.get(peer);
    return e == null ? Set.of() : e.protocols;
  }

  @Override
  public void setPublicKey(PeerId peer, PublicKey key) {
    if (!peer.matches(key)) {
      throw new IllegalArgumentException("public key does not match peer " + peer);
    }
    entry(peer).key = key;
  }

  @Override
  public Optional<PublicKey> publicKey(PeerId peer) {
    Entry e = peers.get(peer);
    if (e != null && e.key != null) {
      return Optional.of(e.key);
    }
    return peer.extractPublicKey();
  }

  @Override
  public void setVersions(PeerId peer, String agentVersion, String protocolVersion) {
    Entry e = entry(peer);
    e.agentVersion = agentVersion;
    e.protocolVersion = protocolVersion;
  }

  @Override
  public Optional<String> agentVersion(PeerId peer) {
    Entry e = peers.get(peer);
    return e == null ? Optional.empty() : Optional.ofNullable(e.agentVersion);
  }

  @Override
  public Optional<String> protocolVersion(PeerId peer) {
    Entry e = peers.get(peer);
    return e == null ? Optional.empty() : Optional.ofNullable(e.protocolVersion);
  }

  @Override
  public boolean setSignedPeerRecord(PeerId peer, byte[] envelope, long seq) {
    Entry e = entry(peer);
    e.lock.lock();
    try {
      if (seq <= e.recordSeq) {
        return false;
      }
      e.record = envelope.clone();
      e.recordSeq = seq;
      return true;
    } finally {
      e.lock.unlock();
    }
  }

  @Override
  public Optional<byte[]> signedPeerRecord(PeerId peer) {
    Entry e = peers.get(peer);
    return e == null || e.record == null ? Optional.empty() : Optional.of(e.record.clone());
  }

  @Override
  public Set<PeerId> peers() {
    return Set.copyOf(peers.keySet());
  }
}
