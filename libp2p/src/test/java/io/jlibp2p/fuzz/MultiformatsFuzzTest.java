package io.jlibp2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Cid;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Multibase;
import io.jlibp2p.multiformats.Multihash;
import io.jlibp2p.security.tls.internal.EmptyIssuerCertificates;
import io.jlibp2p.security.tls.internal.TlsCertificateException;
import io.jlibp2p.security.tls.internal.TlsCertificates;
import io.jlibp2p.security.tls.internal.TlsCertificates.VerifiedPeer;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * Coverage-guided fuzzing of the multiformats, identity and certificate decoders: any input either
 * decodes or fails with the decoder's documented exception ({@link IllegalArgumentException} for
 * bytes and text, {@link CertificateException} for certificates), and what decodes survives a round
 * trip.
 */
class MultiformatsFuzzTest {
  /** When certificates are verified: inside the validity of every seed certificate. */
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** Validity of the certificates {@link #tlsExtension} makes. */
  static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");

  static final Instant NOT_AFTER = Instant.parse("2125-01-01T00:00:00Z");

  /**
   * The certificate key of {@link #tlsExtension}: a fixed P-256 key, so that the host key
   * signatures in its seed inputs stay valid.
   */
  static final KeyPair CERTIFICATE_KEY =
      certificateKey(new BigInteger("6a3f0c5e9b1d2a7f4e8c3b6d0a9f1e2c5b8d7a4f3e6c9b2d1a0f8e7c6b5a4d3c", 16));

  private static final ASN1ObjectIdentifier LIBP2P_EXTENSION =
      new ASN1ObjectIdentifier(TlsCertificates.EXTENSION_OID);

  @FuzzTest(maxDuration = "2m")
  void multiaddrBytes(@NotNull byte[] data) {
    Multiaddr a;
    try {
      a = Multiaddr.decode(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(a.toBytes()).isEqualTo(data);
    assertThat(Multiaddr.parse(a.toString())).isEqualTo(a);
  }

  @FuzzTest(maxDuration = "2m")
  void multiaddrText(@NotNull String text) {
    Multiaddr a;
    try {
      a = Multiaddr.parse(text);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(Multiaddr.decode(a.toBytes())).isEqualTo(a);
    assertThat(Multiaddr.parse(a.toString())).isEqualTo(a);
  }

  /**
   * {@link Multihash#decode}: an IllegalArgumentException or a multihash whose encoding is the
   * input (varints are minimal, so there is one encoding).
   */
  @FuzzTest(maxDuration = "2m")
  void multihashBytes(@NotNull byte[] data) {
    Multihash m;
    try {
      m = Multihash.decode(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(m.toBytes()).isEqualTo(data);
  }

  /**
   * {@link Cid#decode}: an IllegalArgumentException or a CID whose encoding is the input and whose
   * text parses back to it.
   */
  @FuzzTest(maxDuration = "2m")
  void cidBytes(@NotNull byte[] data) {
    Cid c;
    try {
      c = Cid.decode(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(c.toBytes()).isEqualTo(data);
    assertThat(Cid.parse(c.toString())).isEqualTo(c);
  }

  /**
   * {@link Cid#parse}: an IllegalArgumentException or a CID that survives its binary form, its
   * default text and (CIDv1) its text in the input's multibase.
   */
  @FuzzTest(maxDuration = "2m")
  void cidText(@NotNull String text) {
    Cid c;
    try {
      c = Cid.parse(text);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(Cid.decode(c.toBytes())).isEqualTo(c);
    assertThat(Cid.parse(c.toString())).isEqualTo(c);
    if (c.version() == 1) {
      assertThat(Cid.parse(c.toString(Multibase.ofPrefix(text.charAt(0))))).isEqualTo(c);
    }
  }

  /**
   * {@link Multibase#decode(String)}: an IllegalArgumentException or bytes that the input's base
   * encodes to text decoding to the same bytes.
   */
  @FuzzTest(maxDuration = "2m")
  void multibaseText(@NotNull String text) {
    byte[] bytes;
    try {
      bytes = Multibase.decode(text);
    } catch (IllegalArgumentException e) {
      return;
    }
    Multibase base = Multibase.ofPrefix(text.charAt(0));
    assertThat(Multibase.decode(base.encode(bytes))).isEqualTo(bytes);
  }

  /**
   * {@link PeerId#fromBytes}: an IllegalArgumentException or a peer id whose bytes are the input,
   * whose base58 and CID texts parse back to it, and whose inlined key, if any, re-encodes.
   */
  @FuzzTest(maxDuration = "2m")
  void peerIdBytes(@NotNull byte[] data) {
    PeerId id;
    try {
      id = PeerId.fromBytes(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(id.toBytes()).isEqualTo(data);
    assertThat(PeerId.parse(id.toString())).isEqualTo(id);
    assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
    id.extractPublicKey()
        .ifPresent(key -> assertThat(PublicKey.unmarshal(key.marshal())).isEqualTo(key));
  }

  /**
   * {@link PeerId#parse}: an IllegalArgumentException or a peer id that survives its bytes, its
   * base58 text and its CID text.
   */
  @FuzzTest(maxDuration = "2m")
  void peerIdText(@NotNull String text) {
    PeerId id;
    try {
      id = PeerId.parse(text);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id);
    assertThat(PeerId.parse(id.toString())).isEqualTo(id);
    assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
  }

  /**
   * {@link PublicKey#unmarshal} of every key type. Input: a key, a signature (each a two-byte
   * big-endian length and that many bytes) and the signed message (the rest). Allowed: an
   * IllegalArgumentException, or a key whose canonical encoding decodes to it again and is stable,
   * which rebuilds from its raw form, whose peer id matches it, and whose verification of the
   * signature returns a boolean.
   */
  @FuzzTest(maxDuration = "2m")
  void publicKey(@NotNull byte[] data) {
    Parts parts = new Parts(data);
    byte[] encoded = parts.next();
    byte[] signature = parts.next();
    byte[] message = parts.rest();
    PublicKey key;
    try {
      key = PublicKey.unmarshal(encoded);
    } catch (IllegalArgumentException e) {
      return;
    }
    byte[] canonical = key.marshal();
    PublicKey again = PublicKey.unmarshal(canonical);
    assertThat(again).isEqualTo(key);
    assertThat(again.marshal()).isEqualTo(canonical);
    assertThat(PublicKey.fromRaw(key.type(), key.raw())).isEqualTo(key);
    assertThat(PeerId.fromPublicKey(key).matches(key)).isTrue();
    key.verify(message, signature);
  }

  /**
   * {@link PrivateKey#unmarshal} of every key type. Input: a key (a two-byte big-endian length and
   * that many bytes) and a message (the rest). Allowed: an IllegalArgumentException, or a key whose
   * canonical encoding decodes to it again, whose public key re-encodes, and which signs the
   * message with a signature its public key verifies.
   */
  @FuzzTest(maxDuration = "2m")
  void privateKey(@NotNull byte[] data) {
    Parts parts = new Parts(data);
    byte[] encoded = parts.next();
    byte[] message = parts.rest();
    PrivateKey key;
    try {
      key = PrivateKey.unmarshal(encoded);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(PrivateKey.unmarshal(key.marshal())).isEqualTo(key);
    assertThat(PublicKey.unmarshal(key.publicKey().marshal())).isEqualTo(key.publicKey());
    assertThat(key.publicKey().verify(message, key.sign(message))).isTrue();
  }

  /**
   * A peer's certificate as the TLS handshake meets it: {@link EmptyIssuerCertificates#parse} (the
   * engine's X.509 factory), then {@link TlsCertificates#verify} of its encoding (the trust
   * manager); bytes the factory refuses or re-encodes are also verified as they are. Allowed: a
   * CertificateException from the factory, a TlsCertificateException from the verification, or a
   * verified peer whose id is its host key's.
   */
  @FuzzTest(maxDuration = "2m")
  void tlsCertificate(@NotNull byte[] der) throws CertificateException {
    X509Certificate cert;
    try {
      cert = EmptyIssuerCertificates.parse(der);
    } catch (CertificateException e) {
      cert = null;
    }
    byte[] encoded = null;
    if (cert != null) {
      encoded = cert.getEncoded();
      verifyCertificate(encoded);
    }
    if (!Arrays.equals(encoded, der)) {
      verifyCertificate(der);
    }
  }

  /**
   * The libp2p Public Key Extension: a certificate correctly self-signed by {@link
   * #CERTIFICATE_KEY} whose extension value is the input, through the engine's X.509 factory and
   * {@link TlsCertificates#verify}. Allowed: a TlsCertificateException, or a verified peer whose key
   * is the extension's host key and whose id is that key's.
   */
  @FuzzTest(maxDuration = "2m")
  void tlsExtension(@NotNull byte[] signedKey) throws CertificateException {
    X509Certificate cert = extensionCertificate(signedKey);
    VerifiedPeer peer;
    try {
      peer = TlsCertificates.verify(List.of(cert.getEncoded()), NOW);
    } catch (TlsCertificateException e) {
      return;
    }
    ASN1Sequence seq = ASN1Sequence.getInstance(signedKey);
    byte[] hostKey = ASN1OctetString.getInstance(seq.getObjectAt(0)).getOctets();
    assertThat(peer.publicKey()).isEqualTo(PublicKey.unmarshal(hostKey));
    assertThat(peer.peerId()).isEqualTo(PeerId.fromPublicKey(peer.publicKey()));
  }

  private static void verifyCertificate(byte[] der) {
    VerifiedPeer peer;
    try {
      peer = TlsCertificates.verify(List.of(der), NOW);
    } catch (TlsCertificateException e) {
      return;
    }
    assertThat(peer.peerId()).isEqualTo(PeerId.fromPublicKey(peer.publicKey()));
  }

  /** A certificate of {@link #CERTIFICATE_KEY} carrying {@code signedKey}; the same bytes each time. */
  static X509Certificate extensionCertificate(byte[] signedKey) {
    Extension extension = new Extension(LIBP2P_EXTENSION, false, new DEROctetString(signedKey));
    return TlsCertificates.selfSigned(
        CERTIFICATE_KEY, NOT_BEFORE, NOT_AFTER, List.of(extension), fixedRandom(1));
  }

  /** A random source that gives the same bytes in every run, so that each input's outcome is too. */
  static SecureRandom fixedRandom(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair certificateKey(BigInteger d) {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
      org.bouncycastle.math.ec.ECPoint q =
          CustomNamedCurves.getByName("secp256r1").getG().multiply(d).normalize();
      ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      KeyFactory factory = KeyFactory.getInstance("EC");
      return new KeyPair(
          factory.generatePublic(new ECPublicKeySpec(w, spec)),
          factory.generatePrivate(new ECPrivateKeySpec(d, spec)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Splits fuzzer bytes into parts: each a two-byte big-endian length and that many bytes (fewer if
   * the input ends first), then the rest.
   */
  static final class Parts {
    private final byte[] data;
    private int pos;

    Parts(byte[] data) {
      this.data = data;
    }

    byte[] next() {
      if (data.length - pos < 2) {
        pos = data.length;
        return new byte[0];
      }
      int length = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
      pos += 2;
      int end = pos + Math.min(length, data.length - pos);
      byte[] part = Arrays.copyOfRange(data, pos, end);
      pos = end;
      return part;
    }

    byte[] rest() {
      byte[] part = Arrays.copyOfRange(data, pos, data.length);
      pos = data.length;
      return part;
    }
  }
}
