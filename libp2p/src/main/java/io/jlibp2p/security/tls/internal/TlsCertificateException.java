package io.jlibp2p.security.tls.internal;

import java.security.cert.CertificateException;

/**
 * A peer's certificate fails libp2p's checks. Thrown from the trust manager inside the TLS
 * handshake, which turns it into an alert for the peer; the handshake then reports it as a {@link
 * io.jlibp2p.core.SecurityHandshakeException} (a {@link io.jlibp2p.core.PeerIdMismatchException}
 * when {@link #peerMismatch()}).
 */
public final class TlsCertificateException extends CertificateException {
  private final boolean peerMismatch;

  public TlsCertificateException(String message) {
    this(message, null, false);
  }

  public TlsCertificateException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private TlsCertificateException(String message, Throwable cause, boolean peerMismatch) {
    super(message, cause);
    this.peerMismatch = peerMismatch;
  }

  /** A valid certificate of another peer than the one we dialed. */
  public static TlsCertificateException peerMismatch(String message) {
    return new TlsCertificateException(message, null, true);
  }

  public boolean peerMismatch() {
    return peerMismatch;
  }
}
