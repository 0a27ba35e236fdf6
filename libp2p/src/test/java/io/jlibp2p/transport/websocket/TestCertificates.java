package io.jlibp2p.transport.websocket;

import io.jlibp2p.security.tls.internal.TlsCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/** A self-signed server certificate for {@code localhost} and {@code 127.0.0.1}, made once. */
final class TestCertificates {
  static final char[] PASSWORD = "test".toCharArray();
  static final KeyStore KEY_STORE;
  static final X509Certificate CERTIFICATE;

  static {
    SecureRandom random = new SecureRandom();
    KeyPair key = TlsCertificates.generateCertificateKey(random);
    try {
      Extension san = new Extension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")}).getEncoded());
      Instant now = Instant.now();
      CERTIFICATE = TlsCertificates.selfSigned(
          key, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), List.of(san), random);
      KEY_STORE = KeyStore.getInstance("PKCS12");
      KEY_STORE.load(null, null);
      KEY_STORE.setKeyEntry("server", key.getPrivate(), PASSWORD, new Certificate[] {CERTIFICATE});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private TestCertificates() {}

  /** A config that serves wss with the test certificate and trusts only it. */
  static WebSocketTransport.Config config() {
    return WebSocketTransport.Config.DEFAULT.withServerKeyStore(KEY_STORE, PASSWORD)
        .withTrustedCertificates(CERTIFICATE);
  }
}
