package io.jlibp2p.host.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryPeerStoreTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final InstantSource clock = now::get;
  private final MemoryPeerStore store = new MemoryPeerStore(clock);
  private final PrivateKey key = PrivateKey.generate(KeyType.ED25519);
  private final PeerId peer = PeerId.fromPublicKey(key.publicKey());

  @Test
  void addressesExpireAfterTheirTtl() {
    Multiaddr a = Multiaddr.parse("/ip4/1.2.3.4/tcp/1");
    Multiaddr b = Multiaddr.parse("/ip4/1.2.3.4/tcp/2/p2p/" + peer);
    store.addAddresses(peer, List.of(a), Duration.ofMinutes(1));
    store.addAddresses(peer, List.of(b), Duration.ofMinutes(10));
    assertThat(store.addresses(peer)).containsExactly(a, b.withoutPeerId());
    now.set(now.get().plus(Duration.ofMinutes(2)));
    assertThat(store.addresses(peer)).containsExactly(b.withoutPeerId());
    store.addAddresses(peer, List.of(b), Duration.ofSeconds(1)); // a shorter ttl keeps the longer expiry
    now.set(now.get().plus(Duration.ofMinutes(5)));
    assertThat(store.addresses(peer)).containsExactly(b.withoutPeerId());
  }

  @Test
  void addressesPerPeerAreBounded() {
    for (int i = 0; i < MemoryPeerStore.MAX_ADDRESSES_PER_PEER + 10; i++) {
      store.addAddresses(peer, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/" + (i + 1))), Duration.ofMinutes(1));
    }
    assertThat(store.addresses(peer)).hasSize(MemoryPeerStore.MAX_ADDRESSES_PER_PEER);
  }

  @Test
  void keysMustMatchThePeer() {
    store.setPublicKey(peer, key.publicKey());
    assertThat(store.publicKey(peer)).contains(key.publicKey());
    PrivateKey other = PrivateKey.generate(KeyType.ED25519);
    assertThatThrownBy(() -> store.setPublicKey(peer, other.publicKey())).hasMessageContaining("does not match");
  }

  @Test
  void signedRecordsOnlyMoveForward() {
    assertThat(store.setSignedPeerRecord(peer, new byte[] {1}, 5)).isTrue();
    assertThat(store.setSignedPeerRecord(peer, new byte[] {2}, 4)).isFalse();
    assertThat(store.signedPeerRecord(peer)).hasValueSatisfying(r -> assertThat(r).containsExactly(1));
    assertThat(store.setSignedPeerRecord(peer, new byte[] {3}, 6)).isTrue();
  }

  @Test
  void versionsAndProtocols() {
    store.setVersions(peer, "agent/1", "ipfs/0.1.0");
    store.setProtocols(peer, Set.of(ProtocolId.of("/a"), ProtocolId.of("/b")));
    assertThat(store.agentVersion(peer)).contains("agent/1");
    assertThat(store.protocolVersion(peer)).contains("ipfs/0.1.0");
    assertThat(store.protocols(peer)).containsExactlyInAnyOrder(ProtocolId.of("/a"), ProtocolId.of("/b"));
    assertThat(store.peers()).containsExactly(peer);
  }
}
