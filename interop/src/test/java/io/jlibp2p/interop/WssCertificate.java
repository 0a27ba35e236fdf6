package io.jlibp2p.interop;

import io.jlibp2p.security.tls.internal.TlsCertificates;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** A self-signed certificate for 127.0.0.1 and localhost, for wss listeners in the interop tests. */
final class WssCertificate {
  private WssCertificate() {}

  /** A WebSocket config serving wss with a fresh self-signed certificate. */
  static WebSocketTransport.Config serverConfig() {
    SecureRandom random = new SecureRandom();
    KeyPair key = TlsCertificates.generateCertificateKey(random);
    try {
      Extension san = new Extension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")}).getEncoded());
      Instant now = Instant.now();
      X509Certificate cert = TlsCertificates.selfSigned(
          key, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), List.of(san), random);
      char[] password = "interop".toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("wss", key.getPrivate(), password, new Certificate[] {cert});
      return WebSocketTransport.Config.DEFAULT.withServerKeyStore(ks, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }
}
