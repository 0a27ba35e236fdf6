package io.jlibp2p.security.tls.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager for libp2p certificates on an {@link SSLEngine}: both roles run {@link #check},
 * which verifies the peer's single self-signed certificate and its libp2p extension; the
 * socket-based and engine-less variants are refused, since libp2p TLS (and QUIC) run on engines
 * only. Shared by the TLS security transport and the QUIC transport.
 */
public abstract class EngineTrustManager extends X509ExtendedTrustManager {
  /** Verifies the peer's chain on {@code engine}; throws to refuse it. */
  protected abstract void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException;

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw notOnEngine();
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw notOnEngine();
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw notOnEngine();
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw notOnEngine();
  }

  @Override
  public final X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private static CertificateException notOnEngine() {
    return new CertificateException("libp2p certificates are verified on an SSLEngine only");
  }
}
