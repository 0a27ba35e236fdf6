package io.jlibp2p.transport.quic;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.TransportConformance;
import java.io.IOException;

/** The transport conformance suite over QUIC-v1. */
class QuicConformanceTest extends TransportConformance {
  @Override
  protected Libp2p.Builder builder() {
    return Libp2p.builder().muxedTransport(QuicTransport::new);
  }

  @Override
  protected String listenAddress() {
    return "/ip4/127.0.0.1/udp/0/quic-v1";
  }

  @Override
  protected Multiaddr deadAddress() throws IOException {
    return Multiaddr.parse("/ip4/127.0.0.1/udp/" + freeUdpPort() + "/quic-v1");
  }
}
