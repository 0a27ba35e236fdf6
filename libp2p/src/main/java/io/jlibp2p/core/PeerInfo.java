package io.jlibp2p.core;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.Objects;

/**
 * A peer and addresses it may be reached at. Immutable.
 *
 * @param peerId the peer
 * @param addresses transport addresses, without the trailing {@code /p2p/<id>}
 */
public record PeerInfo(PeerId peerId, List<Multiaddr> addresses) {
  public PeerInfo {
    Objects.requireNonNull(peerId, "peerId");
    addresses = addresses.stream().map(Multiaddr::withoutPeerId).toList();
  }

  /**
   * Parses a full address such as {@code /ip4/1.2.3.4/tcp/4001/p2p/12D3KooW...}; the {@code /p2p}
   * part is required.
   */
  public static PeerInfo parse(String address) {
    return of(Multiaddr.parse(address));
  }

  /** The peer of a full address ending in {@code /p2p/<id>}. */
  public static PeerInfo of(Multiaddr address) {
    String id =
        address
            .peerId()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "address: " + address + " (expected: ends with /p2p/<peer id>)"));
    return new PeerInfo(PeerId.parse(id), List.of(address));
  }
}
