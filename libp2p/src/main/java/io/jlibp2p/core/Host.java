package io.jlibp2p.core;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * A libp2p node: an identity, listeners, connections to peers, and protocol handlers. Built with
 * {@code io.jlibp2p.host.Libp2p.builder()}. Thread-safe. The creator owns the host and must close
 * it; closing releases every thread and socket.
 *
 * {@snippet :
 * try (Host host = Libp2p.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
 *   Connection c = host.connect(PeerInfo.parse("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."));
 *   try (Stream s = host.newStream(c.remotePeer(), ProtocolId.of("/echo/1.0.0"))) {
 *     s.write(new byte[] {1, 2, 3});
 *   }
 * }
 * }
 */
public interface Host extends AutoCloseable {
  /** Our peer id. */
  PeerId peerId();

  /** The concrete addresses we listen on (wildcards expanded to interface addresses). */
  List<Multiaddr> listenAddresses();

  /**
   * Returns an open connection to the peer, or dials every known address of it (those given and
   * those in the peer store) at once and keeps the first that completes the upgrade. Blocks up to
   * the dial timeout.
   */
  Connection connect(PeerInfo peer) throws IOException;

  /**
   * Dials {@code address}. With a trailing {@code /p2p/<id>} it is {@link #connect(PeerInfo)};
   * without one, any peer is accepted and the security handshake tells who it is (a fresh
   * connection is always made). Blocks up to the dial timeout.
   */
  Connection connect(Multiaddr address) throws IOException;

  /** The open connections, to all peers. */
  List<Connection> connections();

  /** The open connections to {@code peer}. */
  List<Connection> connections(PeerId peer);

  /**
   * Opens a stream to {@code peer} (connecting first if needed, from the peer store's addresses)
   * and negotiates the first of {@code protocols} the peer supports. Blocking.
   */
  Stream newStream(PeerId peer, ProtocolId... protocols) throws IOException;

  /** Serves {@code id} with {@code handler} on inbound streams; replaces any previous handler. */
  void setHandler(ProtocolId id, ProtocolHandler handler);

  /** Stops serving {@code id}. */
  void removeHandler(ProtocolId id);

  /** The protocols we serve. */
  List<ProtocolId> protocols();

  /** What we know about other peers. */
  PeerStore peerStore();

  /** Delivers host events to {@code listener} until the subscription is closed. */
  Subscription subscribe(Consumer<HostEvent> listener);

  /** Closes every connection and listener and stops every thread of the host. Idempotent. */
  @Override
  void close();
}
