package io.jlibp2p.security.tls.internal;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * The certificates of libp2p TLS (specs tls/tls.md): a self-signed certificate whose libp2p Public
 * Key Extension carries the host key and the host key's signature of the certificate's
 * SubjectPublicKeyInfo. Stateless and thread-safe.
 */
public final class TlsCertificates {
  /** The libp2p Public Key Extension, allocated by IANA to libp2p. */
  public static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";

  /** Prefix of the data the host key signs: this, then the certificate's SubjectPublicKeyInfo. */
  public static final String SIGNATURE_PREFIX = "libp2p-tls-handshake:";

  /** How long before its creation a certificate is valid, for clock skew (as go-libp2p). */
  public static final Duration VALID_BEFORE_CREATION = Duration.ofHours(1);

  /** How long after its creation a certificate stays valid (about 100 years, as go-libp2p). */
  public static final Duration VALIDITY = Duration.ofDays(100 * 365);

  /** Longest DER certificate {@link #verify} accepts. */
  public static final int MAX_CERTIFICATE_LENGTH = 16 * 1024;

  /** Longest host key signature accepted in the extension (RSA-8192 is 1024 bytes). */
  public static final int MAX_SIGNATURE_LENGTH = 1024;

  /** How many verified certificates {@link #verify(byte[], Instant)} remembers. */
  public static final int VERIFIED_CACHE_SIZE = 256;

  private static final ASN1ObjectIdentifier LIBP2P_EXTENSION = new ASN1ObjectIdentifier(EXTENSION_OID);
  private static final ASN1ObjectIdentifier EC_PUBLIC_KEY = new ASN1ObjectIdentifier("1.2.840.10045.2.1");
  private static final String CERT_SIGNATURE_ALGORITHM = "SHA256withECDSA";

  /** Certificate signature algorithms accepted: hashes of at least 256 bits only. */
  private static final Set<String> SIGNATURE_ALGORITHMS =
      Set.of(
          "1.2.840.10045.4.3.2", // ecdsa-with-SHA256
          "1.2.840.10045.4.3.3", // ecdsa-with-SHA384
          "1.2.840.10045.4.3.4", // ecdsa-with-SHA512
          "1.2.840.113549.1.1.11", // sha256WithRSAEncryption
          "1.2.840.113549.1.1.12", // sha384WithRSAEncryption
          "1.2.840.113549.1.1.13", // sha512WithRSAEncryption
          "1.3.101.112", // Ed25519
          "1.3.101.113"); // Ed448

  /**
   * Extensions we understand and that do not change how a libp2p certificate is verified, so they
   * may be critical: key usage, basic constraints, extended key usage, subject alternative name,
   * subject and authority key identifiers.
   */
  private static final Set<ASN1ObjectIdentifier> UNDERSTOOD_EXTENSIONS =
      Set.of(
          Extension.keyUsage,
          Extension.basicConstraints,
          Extension.extendedKeyUsage,
          Extension.subjectAlternativeName,
          Extension.subjectKeyIdentifier,
          Extension.authorityKeyIdentifier);

  private TlsCertificates() {}

  /** A certificate chain and the private key of its first certificate. */
  public record Credentials(List<X509Certificate> chain, java.security.PrivateKey key) {
    public Credentials {
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("chain: empty (expected at least one certificate)");
      }
    }
  }

  /**
   * The host key a valid certificate carries, the peer id derived from it, and the certificate's
   * own key (which signs the TLS handshake).
   */
  public record VerifiedPeer(PublicKey publicKey, PeerId peerId, java.security.PublicKey certificateKey) {}

  /**
   * A fresh ECDSA P-256 key and a self-signed certificate for it carrying {@code identity}'s
   * extension, valid from {@link #VALID_BEFORE_CREATION} before {@code now} for {@link #VALIDITY}.
   */
  public static Credentials create(PrivateKey identity, SecureRandom random, Instant now) {
    KeyPair certKey = generateCertificateKey(random);
    byte[] spki = certKey.getPublic().getEncoded();
    Extension extension = signedKeyExtension(identity, spki, false);
    X509Certificate cert =
        selfSigned(
            certKey, now.minus(VALID_BEFORE_CREATION), now.plus(VALIDITY), List.of(extension), random);
    return new Credentials(List.of(cert), certKey.getPrivate());
  }

  /** A fresh ECDSA P-256 key pair. */
  public static KeyPair generateCertificateKey(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks ECDSA P-256", e);
    }
  }

  /**
   * The libp2p Public Key Extension: {@code SignedKey ::= SEQUENCE { publicKey OCTET STRING,
   * signature OCTET STRING }}, the host key in its protobuf encoding and its signature of {@link
   * #SIGNATURE_PREFIX} followed by {@code subjectPublicKeyInfo} (DER).
   */
  public static Extension signedKeyExtension(
      PrivateKey identity, byte[] subjectPublicKeyInfo, boolean critical) {
    byte[] signature = identity.sign(signedData(subjectPublicKeyInfo));
    DERSequence signedKey =
        new DERSequence(
            new ASN1Encodable[] {
              new DEROctetString(identity.publicKey().marshal()), new DEROctetString(signature)
            });
    try {
      return new Extension(LIBP2P_EXTENSION, critical, new DEROctetString(signedKey));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the libp2p extension", e);
    }
  }

  /**
   * A certificate signed by its own key {@code certKey} (an EC key, signed with SHA-256), with a
   * random serial number and a subject made of a random serial number (as go-libp2p), carrying
   * {@code extensions} in order.
   */
  public static X509Certificate selfSigned(
      KeyPair certKey,
      Instant notBefore,
      Instant notAfter,
      List<Extension> extensions,
      SecureRandom random) {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.SERIALNUMBER, new BigInteger(62, random).toString())
            .build();
    BigInteger serial = new BigInteger(62, random).add(BigInteger.ONE);
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            subject,
            serial,
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            SubjectPublicKeyInfo.getInstance(certKey.getPublic().getEncoded()));
    try {
      for (Extension e : extensions) {
        builder.addExtension(e);
      }
      ContentSigner signer =
          new JcaContentSignerBuilder(CERT_SIGNATURE_ALGORITHM)
              .setSecureRandom(random)
              .build(certKey.getPrivate());
      return EmptyIssuerCertificates.parse(builder.build(signer).getEncoded());
    } catch (OperatorCreationException | CertificateException | IOException e) {
      throw new IllegalStateException("cannot create a TLS certificate", e);
    }
  }

  /**
   * Verifies a peer's certificate chain (specs tls/tls.md, Peer Authentication): exactly one
   * certificate, valid at {@code now}, correctly self-signed with a hash of at least 256 bits, EC
   * keys in the named-curve form, RSA keys with a public exponent of at most {@value
   * PublicKey#RSA_MAX_EXPONENT_BITS} bits, no unique ids, no critical extension we do not
   * understand, and a libp2p Public Key Extension whose host key signed the certificate's key.
   *
   * @throws TlsCertificateException naming the first check that failed
   */
  public static VerifiedPeer verify(List<byte[]> chain, Instant now) throws TlsCertificateException {
    if (chain.size() != 1) {
      throw new TlsCertificateException(
          "peer sent " + chain.size() + " certificates (expected: exactly one)");
    }
    return verify(chain.getFirst(), now);
  }

  /**
   * Verifies one DER certificate; see {@link #verify(List, Instant)}. Peers reuse their
   * certificate across connections (go-libp2p and jlibp2p do), so the last {@link
   * #VERIFIED_CACHE_SIZE} certificates that passed are remembered by their exact bytes: a repeat
   * has only its validity period checked again.
   */
  public static VerifiedPeer verify(byte[] der, Instant now) throws TlsCertificateException {
    if (der.length > MAX_CERTIFICATE_LENGTH) {
      throw new TlsCertificateException(
          "certificate of " + der.length + " bytes (limit: " + MAX_CERTIFICATE_LENGTH + ")");
    }
    Verified known = VERIFIED.get(der);
    if (known != null) {
      checkValidity(known.notBefore(), known.notAfter(), now);
      return known.peer();
    }
    try {
      Verified verified = verifyBounded(der, now);
      VERIFIED.put(der, verified);
      return verified.peer();
    } catch (RuntimeException e) {
      // BouncyCastle's ASN.1 classes signal some malformed input with unchecked exceptions
      throw new TlsCertificateException("malformed certificate: " + e.getMessage(), e);
    }
  }

  private static final VerifiedCache VERIFIED = new VerifiedCache(VERIFIED_CACHE_SIZE);

  /** A certificate that passed every check but the validity period's, which depends on the time. */
  private record Verified(VerifiedPeer peer, Instant notBefore, Instant notAfter) {}

  /** A bounded least-recently-used map from a certificate's DER bytes to its verification. */
  private static final class VerifiedCache {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<ByteBuffer, Verified> entries;

    VerifiedCache(int capacity) {
      this.capacity = capacity;
      this.entries =
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Verified> eldest) {
              return size() > VerifiedCache.this.capacity;
            }
          };
    }

    Verified get(byte[] der) {
      lock.lock();
      try {
        return entries.get(ByteBuffer.wrap(der));
      } finally {
        lock.unlock();
      }
    }

    void put(byte[] der, Verified verified) {
      lock.lock();
      try {
        entries.put(ByteBuffer.wrap(der.clone()), verified);
      } finally {
        lock.unlock();
      }
    }
  }

  private static Verified verifyBounded(byte[] der, Instant now) throws TlsCertificateException {
    X509CertificateHolder cert;
    TBSCertificate tbs;
    try {
      // js-libp2p's certificates have empty issuer and subject names
      Certificate parsed =
          EmptyIssuerCertificates.allowingEmptyIssuer(
              () -> Certificate.getInstance(ASN1Primitive.fromByteArray(der)));
      if (parsed == null) {
        throw new TlsCertificateException("empty certificate");
      }
      cert = new X509CertificateHolder(parsed);
      tbs = parsed.getTBSCertificate();
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new TlsCertificateException("malformed certificate: " + e.getMessage(), e);
    }
    checkValidity(cert, now);
    if (tbs.getIssuerUniqueId() != null || tbs.getSubjectUniqueId() != null) {
      throw new TlsCertificateException("certificate carries the deprecated unique id fields");
    }
    SubjectPublicKeyInfo spki = cert.getSubjectPublicKeyInfo();
    checkNamedCurve(spki.getAlgorithm());
    checkRsaExponent(spki);
    checkSelfSignature(cert);
    Extensions extensions = cert.getExtensions();
    Extension libp2p = extensions == null ? null : extensions.getExtension(LIBP2P_EXTENSION);
    if (libp2p == null) {
      throw new TlsCertificateException("certificate lacks the libp2p Public Key Extension");
    }
    for (ASN1ObjectIdentifier oid : extensions.getCriticalExtensionOIDs()) {
      if (!oid.equals(LIBP2P_EXTENSION) && !UNDERSTOOD_EXTENSIONS.contains(oid)) {
        throw new TlsCertificateException("certificate has an unknown critical extension " + oid);
      }
    }
    byte[] spkiDer;
    try {
      spkiDer = spki.getEncoded("DER");
    } catch (IOException e) {
      throw new TlsCertificateException("cannot encode the certificate's public key", e);
    }
    VerifiedPeer peer = verifySignedKey(libp2p.getExtnValue().getOctets(), spkiDer, certificateKey(spki, spkiDer));
    return new Verified(peer, cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
  }

  private static void checkValidity(X509CertificateHolder cert, Instant now)
      throws TlsCertificateException {
    Instant notBefore;
    Instant notAfter;
    try {
      notBefore = cert.getNotBefore().toInstant();
      notAfter = cert.getNotAfter().toInstant();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new TlsCertificateException("certificate has a malformed validity period", e);
    }
    checkValidity(notBefore, notAfter, now);
  }

  private static void checkValidity(Instant notBefore, Instant notAfter, Instant now)
      throws TlsCertificateException {
    if (now.isBefore(notBefore)) {
      throw new TlsCertificateException("certificate is not valid yet (valid from " + notBefore + ")");
    }
    if (now.isAfter(notAfter)) {
      throw new TlsCertificateException("certificate has expired (valid until " + notAfter + ")");
    }
  }

  private static void checkNamedCurve(AlgorithmIdentifier algorithm) throws TlsCertificateException {
    if (algorithm.getAlgorithm().equals(EC_PUBLIC_KEY)
        && !(algorithm.getParameters() instanceof ASN1ObjectIdentifier)) {
      throw new TlsCertificateException(
          "certificate's EC key does not use the named-curve encoding");
    }
  }

  /**
   * An RSA certificate key's public exponent has at most {@link PublicKey#RSA_MAX_EXPONENT_BITS}
   * bits, as a host key's: each bit costs a modular squaring in the self-signature check.
   */
  private static void checkRsaExponent(SubjectPublicKeyInfo spki) throws TlsCertificateException {
    ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
    if (!PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)
        && !PKCSObjectIdentifiers.id_RSASSA_PSS.equals(algorithm)) {
      return;
    }
    BigInteger e;
    try {
      e = RSAPublicKey.getInstance(spki.parsePublicKey()).getPublicExponent();
    } catch (IOException | IllegalArgumentException | ClassCastException ex) {
      throw new TlsCertificateException(
          "certificate has a malformed RSA key: " + ex.getMessage(), ex);
    }
    if (e.bitLength() > PublicKey.RSA_MAX_EXPONENT_BITS) {
      throw new TlsCertificateException(
          "certificate's RSA key has a " + e.bitLength() + "-bit public exponent (limit: "
              + PublicKey.RSA_MAX_EXPONENT_BITS + " bits)");
    }
  }

  private static void checkSelfSignature(X509CertificateHolder cert) throws TlsCertificateException {
    String algorithm = cert.getSignatureAlgorithm().getAlgorithm().getId();
    if (!SIGNATURE_ALGORITHMS.contains(algorithm)) {
      throw new TlsCertificateException(
          "certificate signature algorithm " + algorithm + " is not accepted"
              + " (expected ECDSA, RSA PKCS#1 with SHA-256 or longer, Ed25519 or Ed448)");
    }
    boolean valid;
    try {
      valid =
          cert.isSignatureValid(
              new JcaContentVerifierProviderBuilder().build(cert.getSubjectPublicKeyInfo()));
    } catch (CertException | OperatorCreationException | RuntimeException e) {
      throw new TlsCertificateException(
          "cannot check the certificate's self-signature: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new TlsCertificateException("certificate's self-signature is invalid");
    }
  }

  /** The certificate's key as a JDK key, for the handshake's CertificateVerify. */
  private static java.security.PublicKey certificateKey(SubjectPublicKeyInfo spki, byte[] spkiDer)
      throws TlsCertificateException {
    String oid = spki.getAlgorithm().getAlgorithm().getId();
    String algorithm =
        switch (oid) {
          case "1.2.840.10045.2.1" -> "EC";
          case "1.2.840.113549.1.1.1" -> "RSA";
          case "1.2.840.113549.1.1.10" -> "RSASSA-PSS";
          case "1.3.101.112" -> "Ed25519";
          case "1.3.101.113" -> "Ed448";
          default -> throw new TlsCertificateException("certificate key of unsupported type " + oid);
        };
    try {
      return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spkiDer));
    } catch (GeneralSecurityException e) {
      throw new TlsCertificateException("bad certificate key: " + e.getMessage(), e);
    }
  }

  private static VerifiedPeer verifySignedKey(byte[] value, byte[] spkiDer, java.security.PublicKey certificateKey)
      throws TlsCertificateException {
    byte[] keyBytes;
    byte[] signature;
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(value));
      if (seq.size() != 2) {
        throw new TlsCertificateException(
            "libp2p extension has " + seq.size() + " fields (expected: publicKey, signature)");
      }
      keyBytes = ASN1OctetString.getInstance(seq.getObjectAt(0)).getOctets();
      signature = ASN1OctetString.getInstance(seq.getObjectAt(1)).getOctets();
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new TlsCertificateException("malformed libp2p extension: " + e.getMessage(), e);
    }
    if (signature.length > MAX_SIGNATURE_LENGTH) {
      throw new TlsCertificateException(
          "libp2p extension signature of "
              + signature.length
              + " bytes (limit: "
              + MAX_SIGNATURE_LENGTH
              + ")");
    }
    PublicKey hostKey;
    try {
      hostKey = PublicKey.unmarshal(keyBytes);
    } catch (IllegalArgumentException e) {
      throw new TlsCertificateException(
          "libp2p extension carries a bad host key: " + e.getMessage(), e);
    }
    if (!hostKey.verify(signedData(spkiDer), signature)) {
      throw new TlsCertificateException(
          "libp2p extension signature is invalid: the host key did not sign this certificate's key");
    }
    return new VerifiedPeer(hostKey, PeerId.fromPublicKey(hostKey), certificateKey);
  }

  private static byte[] signedData(byte[] spki) {
    byte[] prefix = SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[prefix.length + spki.length];
    System.arraycopy(prefix, 0, data, 0, prefix.length);
    System.arraycopy(spki, 0, data, prefix.length, spki.length);
    return data;
  }
}
