package io.jlibp2p.security.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateFactorySpi;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.util.Properties;

/**
 * Lets the JDK's TLS engine accept certificates with an empty issuer name, which js-libp2p sends
 * (its certificates have empty issuer and subject names) and which the JDK's X.509 parser refuses
 * ("Empty issuer DN not allowed"). The engine parses peer certificates with {@code
 * CertificateFactory.getInstance("X.509")} and offers no other hook, so {@link #install()}
 * registers, once per JVM and at the highest priority, a provider that offers only that factory:
 * it delegates everything to the JDK's own factory and only when that refuses a certificate for its
 * empty issuer name parses it with BouncyCastle instead. Thread-safe.
 */
public final class EmptyIssuerCertificates {
  /** The name of the provider {@link #install()} registers. */
  public static final String PROVIDER_NAME = "jlibp2p-x509";

  /** BouncyCastle's switch that accepts an empty issuer name, set per thread while we parse. */
  public static final String BC_ALLOW_EMPTY_ISSUER = "org.bouncycastle.x509.allow_empty_issuer_cert";

  private static final String JDK_EMPTY_ISSUER = "Empty issuer DN";

  private EmptyIssuerCertificates() {}

  /** Registers the provider unless it is there already. */
  public static void install() {
    Holder.INSTALLED.hashCode(); // class initialisation installs it exactly once
  }

  private static final class Holder {
    static final Boolean INSTALLED = installNow();

    private static Boolean installNow() {
      if (Security.getProvider(PROVIDER_NAME) == null) {
        Security.insertProviderAt(new X509Provider(), 1);
      }
      return Boolean.TRUE;
    }
  }

  /** Parses a DER certificate as the JDK's TLS engine does once {@link #install()} ran. */
  public static X509Certificate parse(byte[] der) throws CertificateException {
    return (X509Certificate) new Factory().engineGenerateCertificate(new ByteArrayInputStream(der));
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

  private static final class X509Provider extends Provider {
    X509Provider() {
      super(PROVIDER_NAME, "1.0", "X.509 certificates, also with an empty issuer name (libp2p TLS)");
      putService(
          new Service(this, "CertificateFactory", "X.509", Factory.class.getName(), List.of("X509"), null) {
            @Override
            public Object newInstance(Object constructorParameter) {
              return new Factory();
            }
          });
    }
  }

  /** The JDK's X.509 factory, with BouncyCastle for what it refuses for an empty issuer name. */
  private static final class Factory extends CertificateFactorySpi {
    private final CertificateFactory jdk;

    Factory() {
      try {
        jdk = CertificateFactory.getInstance("X.509", "SUN");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK lacks its X.509 certificate factory", e);
      }
    }

    @Override
    public Certificate engineGenerateCertificate(InputStream in) throws CertificateException {
      if (!in.markSupported()) {
        return jdk.generateCertificate(in);
      }
      in.mark(TlsCertificates.MAX_CERTIFICATE_LENGTH);
      try {
        return jdk.generateCertificate(in);
      } catch (CertificateParsingException e) {
        if (e.getMessage() == null || !e.getMessage().contains(JDK_EMPTY_ISSUER)) {
          throw e;
        }
        try {
          in.reset();
        } catch (IOException notMarked) {
          throw e;
        }
        return allowingEmptyIssuer(
            () ->
                new org.bouncycastle.jcajce.provider.asymmetric.x509.CertificateFactory()
                    .engineGenerateCertificate(in));
      }
    }

    @Override
    public Collection<? extends Certificate> engineGenerateCertificates(InputStream in)
        throws CertificateException {
      return jdk.generateCertificates(in);
    }

    @Override
    public CRL engineGenerateCRL(InputStream in) throws CRLException {
      return jdk.generateCRL(in);
    }

    @Override
    public Collection<? extends CRL> engineGenerateCRLs(InputStream in) throws CRLException {
      return jdk.generateCRLs(in);
    }

    @Override
    public CertPath engineGenerateCertPath(InputStream in) throws CertificateException {
      return jdk.generateCertPath(in);
    }

    @Override
    public CertPath engineGenerateCertPath(InputStream in, String encoding)
        throws CertificateException {
      return jdk.generateCertPath(in, encoding);
    }

    @Override
    public CertPath engineGenerateCertPath(List<? extends Certificate> certificates)
        throws CertificateException {
      return jdk.generateCertPath(certificates);
    }

    @Override
    public Iterator<String> engineGetCertPathEncodings() {
      return jdk.getCertPathEncodings();
    }
  }
}
