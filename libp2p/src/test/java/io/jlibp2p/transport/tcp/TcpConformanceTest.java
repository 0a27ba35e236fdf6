package io.jlibp2p.transport.tcp;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.TransportConformance;
import java.io.IOException;

/** The transport conformance suite over TCP (Noise and yamux, the defaults). */
class TcpConformanceTest extends TransportConformance {
  @Override
  protected Libp2p.Builder builder() {
    return Libp2p.builder().transport(new TcpTransport());
  }

  @Override
  protected String listenAddress() {
    return "/ip4/127.0.0.1/tcp/0";
  }

  @Override
  protected Multiaddr deadAddress() throws IOException {
    return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + freeTcpPort());
  }
}
