package io.jlibp2p.cli;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import io.jlibp2p.transport.websocket.internal.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The certificates of secure WebSocket ({@code /tls/ws}, {@code /wss}) for the commands. */
final class WssOptions {
  /** Longest certificate or key store file read. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private WssOptions() {}

  /** Whether {@code address} is a secure WebSocket address. */
  static boolean isWss(Multiaddr address) {
    String s = address.toString();
    return s.contains("/tls/ws") || s.contains("/wss");
  }

  /**
   * The WebSocket config of a node listening on {@code listen}: serving wss from {@code keyStore}
   * (PKCS#12) when given; else, when some address is wss, from a new self-signed certificate for
   * the addresses' hosts and {@code localhost}, written in PEM to {@code certOut} and announced on
   * {@code out}.
   */
  static WebSocketTransport.Config server(
      List<Multiaddr> listen, Path keyStore, char[] password, Path certOut, PrintStream out)
      throws IOException {
    WebSocketTransport.Config config = WebSocketTransport.Config.DEFAULT;
    if (keyStore != null) {
      try (InputStream in = Files.newInputStream(keyStore)) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(in, password);
        return config.withServerKeyStore(ks, password);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot read the key store " + keyStore + ": " + e.getMessage(), e);
      }
    }
    if (listen.stream().noneMatch(WssOptions::isWss)) {
      return config;
    }
    Set<String> names = new LinkedHashSet<>();
    names.add("localhost");
    for (Multiaddr a : listen) {
      a.components().stream()
          .filter(c -> c.protocol() == Multiaddr.Protocol.IP4 || c.protocol() == Multiaddr.Protocol.IP6
              || c.protocol() == Multiaddr.Protocol.DNS || c.protocol() == Multiaddr.Protocol.DNS4
              || c.protocol() == Multiaddr.Protocol.DNS6)
          .map(Multiaddr.Component::valueString)
          .filter(v -> !v.equals("0.0.0.0") && !v.equals("::"))
          .forEach(names::add);
    }
    names.add("127.0.0.1");
    SelfSignedCertificate cert = SelfSignedCertificate.create(names.toArray(String[]::new));
    Files.writeString(certOut, pem(cert.certificate()), StandardCharsets.US_ASCII);
    out.println("wss certificate: self-signed for " + String.join(", ", names) + ", written to "
        + certOut.toAbsolutePath() + " (trust it with: ping --trust-cert FILE)");
    return config.withServerKeyStore(cert.keyStore(), cert.password());
  }

  /** A WebSocket config that trusts, for wss, exactly the certificates in these PEM or DER files. */
  static WebSocketTransport.Config client(List<Path> trusted) throws IOException {
    List<X509Certificate> certs = new ArrayList<>();
    for (Path p : trusted) {
      if (Files.size(p) > MAX_FILE_BYTES) {
        throw new IOException(p + ": larger than " + MAX_FILE_BYTES + " bytes");
      }
      try (InputStream in = Files.newInputStream(p)) {
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          certs.add((X509Certificate) c);
        }
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot read a certificate from " + p + ": " + e.getMessage(), e);
      }
    }
    return WebSocketTransport.Config.DEFAULT.withTrustedCertificates(certs.toArray(X509Certificate[]::new));
  }

  private static String pem(X509Certificate cert) throws IOException {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encode the certificate", e);
    }
  }
}
