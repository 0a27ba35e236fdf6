package io.jlibp2p.security.tls.internal;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import org.bouncycastle.util.Properties;

/**
 * Parses X.509 certificates also when their issuer name is empty, which js-libp2p's are (empty
 * issuer and subject names) and which the JDK's X.509 parser refuses ("Empty issuer DN not
 * allowed"): the JDK's own factory first, BouncyCastle only for what it refuses for that reason.
 * Thread-safe.
 */
public final class EmptyIssuerCertificates {
  /** BouncyCastle's switch that accepts an empty issuer name, set per thread while we parse. */
  public static final String BC_ALLOW_EMPTY_ISSUER = "org.bouncycastle.x509.allow_empty_issuer_cert";

  private static final String JDK_EMPTY_ISSUER = "Empty issuer DN";

  private EmptyIssuerCertificates() {}

  /** Parses a DER certificate, also one with an empty issuer name. */
  public static X509Certificate parse(byte[] der) throws CertificateException {
    CertificateFactory jdk;
    try {
      jdk = CertificateFactory.getInstance("X.509", "SUN");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks its X.509 certificate factory", e);
    }
    try {
      return (X509Certificate) jdk.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateParsingException e) {
      if (e.getMessage() == null || !e.getMessage().contains(JDK_EMPTY_ISSUER)) {
        throw e;
      }
      return allowingEmptyIssuer(
          () ->
              (X509Certificate)
                  new org.bouncycastle.jcajce.provider.asymmetric.x509.CertificateFactory()
                      .engineGenerateCertificate(new ByteArrayInputStream(der)));
    }
  }

  /** Runs {@code parse} with BouncyCastle's empty-issuer switch on for this thread. */
  public static <T, E extends Exception> T allowingEmptyIssuer(Parse<T, E> parse) throws E {
    Properties.setThreadOverride(BC_ALLOW_EMPTY_ISSUER, true);
    try {
      return parse.run();
    } finally {
      Properties.removeThreadOverride(BC_ALLOW_EMPTY_ISSUER);
    }
  }

  /** A parse step that may throw {@code E}. */
  @FunctionalInterface
  public interface Parse<T, E extends Exception> {
    T run() throws E;
  }
}
