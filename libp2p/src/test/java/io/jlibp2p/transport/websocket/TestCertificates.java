package io.jlibp2p.transport.websocket;

import io.jlibp2p.transport.websocket.internal.SelfSignedCertificate;

/** A self-signed server certificate for {@code localhost} and {@code 127.0.0.1}, made once. */
final class TestCertificates {
  static final SelfSignedCertificate CERTIFICATE = SelfSignedCertificate.create("localhost", "127.0.0.1");

  private TestCertificates() {}

  /** A config that serves wss with the test certificate and trusts only it. */
  static WebSocketTransport.Config config() {
    return WebSocketTransport.Config.DEFAULT
        .withServerKeyStore(CERTIFICATE.keyStore(), CERTIFICATE.password())
        .withTrustedCertificates(CERTIFICATE.certificate());
  }
}
