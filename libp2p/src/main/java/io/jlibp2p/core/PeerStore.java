package io.jlibp2p.core;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the host knows about other peers: addresses (each with a time to live), protocols, public
 * keys, agent and protocol versions, and signed peer records. Thread-safe; in memory; bounded (the
 * least recently updated peers without a connection are evicted first).
 */
public interface PeerStore {
  /** Time to live of addresses learned from a peer that is connected. */
  Duration CONNECTED_TTL = Duration.ofDays(365 * 100);

  /** Time to live of addresses given by the user or learned recently. */
  Duration RECENT_TTL = Duration.ofMinutes(10);

  /** Time to live of addresses a peer reported about itself (identify). */
  Duration PROVIDER_TTL = Duration.ofMinutes(30);

  /** Adds addresses (without {@code /p2p}); an address already known keeps the longer expiry. */
  void addAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl);

  /** The unexpired addresses of {@code peer}. */
  List<Multiaddr> addresses(PeerId peer);

  /** Replaces the protocols {@code peer} supports. */
  void setProtocols(PeerId peer, Set<ProtocolId> protocols);

  /** The protocols {@code peer} announced (empty when unknown). */
  Set<ProtocolId> protocols(PeerId peer);

  /** Stores {@code peer}'s public key after checking it matches the peer id. */
  void setPublicKey(PeerId peer, PublicKey key);

  Optional<PublicKey> publicKey(PeerId peer);

  /** Stores the agent and protocol version strings from identify. */
  void setVersions(PeerId peer, String agentVersion, String protocolVersion);

  Optional<String> agentVersion(PeerId peer);

  Optional<String> protocolVersion(PeerId peer);

  /**
   * Stores a signed peer record (the sealed envelope bytes) if its sequence number is newer than the
   * one held. Returns whether it was stored.
   */
  boolean setSignedPeerRecord(PeerId peer, byte[] envelope, long seq);

  /** The latest signed peer record's envelope bytes. */
  Optional<byte[]> signedPeerRecord(PeerId peer);

  /** Every peer with any stored data. */
  Set<PeerId> peers();
}
