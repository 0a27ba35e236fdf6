package io.jlibp2p.transport.websocket;

import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.TransportConformance;
import java.io.IOException;

/** The transport conformance suite over WebSocket: ws, and wss in {@link Secure}. */
class WebSocketConformanceTest extends TransportConformance {
  @Override
  protected Libp2p.Builder builder() {
    return Libp2p.builder().transport(new WebSocketTransport(TestCertificates.config()));
  }

  @Override
  protected String listenAddress() {
    return "/ip4/127.0.0.1/tcp/0/ws";
  }

  @Override
  protected Multiaddr deadAddress() throws IOException {
    return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + freeTcpPort() + "/ws");
  }

  /** The same over wss, with the test certificate. */
  static class Secure extends WebSocketConformanceTest {
    @Override
    protected String listenAddress() {
      return "/ip4/127.0.0.1/tcp/0/tls/ws";
    }
  }
}
