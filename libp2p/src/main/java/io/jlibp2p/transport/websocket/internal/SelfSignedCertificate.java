package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.security.tls.internal.TlsCertificates;
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

/**
 * A self-signed wss server certificate (ECDSA P-256) for the given host names and IP addresses, in
 * a key store: for tests and local development, never for a public server.
 *
 * @param keyStore holds the key and certificate under alias {@code "wss"}
 * @param password the key's password
 * @param certificate the certificate, to trust on the client side
 */
public record SelfSignedCertificate(KeyStore keyStore, char[] password, X509Certificate certificate) {
  /** How long the certificate is valid from an hour ago. */
  public static final Duration VALIDITY = Duration.ofDays(30);

  /** Makes one for {@code names}: each an IP address literal or a DNS name. */
  public static SelfSignedCertificate create(String... names) {
    SecureRandom random = new SecureRandom();
    KeyPair key = TlsCertificates.generateCertificateKey(random);
    try {
      GeneralName[] sans = new GeneralName[names.length];
      for (int i = 0; i < names.length; i++) {
        boolean ip = names[i].contains(":") || names[i].matches("[0-9.]+");
        sans[i] = ip
            ? new GeneralName(GeneralName.iPAddress, names[i])
            : new GeneralName(GeneralName.dNSName, names[i]);
      }
      Extension san = new Extension(Extension.subjectAlternativeName, false, new GeneralNames(sans).getEncoded());
      Instant now = Instant.now();
      X509Certificate cert = TlsCertificates.selfSigned(
          key, now.minus(Duration.ofHours(1)), now.plus(VALIDITY), List.of(san), random);
      char[] password = "wss".toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("wss", key.getPrivate(), password, new Certificate[] {cert});
      return new SelfSignedCertificate(ks, password, cert);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate", e);
    }
  }
}
