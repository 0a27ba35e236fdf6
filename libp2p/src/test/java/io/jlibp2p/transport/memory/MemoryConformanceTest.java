package io.jlibp2p.transport.memory;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.TransportConformance;

/** The transport conformance suite over the in-process memory transport. */
class MemoryConformanceTest extends TransportConformance {
  @Override
  protected Libp2p.Builder builder() {
    return Libp2p.builder().transport(new MemoryTransport());
  }

  @Override
  protected String listenAddress() {
    return "/memory/0";
  }

  @Override
  protected Multiaddr deadAddress() {
    return Multiaddr.parse("/memory/18446744073709551615");
  }
}
