package io.jlibp2p.core;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;

/**
 * What happens to a {@link Host}, delivered in order to subscribers on one event thread per host.
 * Listeners must not block for long.
 */
public sealed interface HostEvent {
  /** A connection to {@code connection.remotePeer()} was established (secured and multiplexed). */
  record Connected(Connection connection) implements HostEvent {}

  /** A connection closed (by either side). */
  record Disconnected(Connection connection) implements HostEvent {}

  /** The identify protocol ran on a connection: what the peer told us. */
  record Identified(
      PeerId peer,
      String agentVersion,
      String protocolVersion,
      List<ProtocolId> protocols,
      List<Multiaddr> listenAddresses,
      Multiaddr observedAddress)
      implements HostEvent {}
}
