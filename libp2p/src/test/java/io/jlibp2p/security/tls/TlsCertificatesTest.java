package io.jlibp2p.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.tls.internal.TlsCertificateException;
import io.jlibp2p.security.tls.internal.TlsCertificates;
import io.jlibp2p.security.tls.internal.TlsCertificates.Credentials;
import io.jlibp2p.security.tls.internal.TlsCertificates.VerifiedPeer;
import io.jlibp2p.security.tls.internal.EmptyIssuerCertificates;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import java.math.BigInteger;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsCertificatesTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  /** The vectors of specs tls/tls.md, by title: the certificate and the peer id (null if invalid). */
  static Map<String, String[]> readSpecVectors() throws Exception {
    Map<String, String[]> vectors = new LinkedHashMap<>();
    try (InputStream in = TlsCertificatesTest.class.getResourceAsStream("/io/jlibp2p/security/tls/spec-vectors.txt")) {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String[] current = null;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1);
        switch (key) {
          case "vector" -> vectors.put(value, current = new String[2]);
          case "certificate" -> current[0] = value;
          case "peer_id" -> current[1] = value;
          default -> throw new IllegalStateException("unknown key " + key);
        }
      }
    }
    return vectors;
  }

  @Test
  void specVectors() throws Exception {
    Map<String, String[]> vectors = readSpecVectors();
    assertThat(vectors).hasSize(4);
    int valid = 0;
    for (Map.Entry<String, String[]> v : vectors.entrySet()) {
      byte[] der = HexFormat.of().parseHex(v.getValue()[0]);
      String peerId = v.getValue()[1];
      if (peerId != null) {
        VerifiedPeer peer = TlsCertificates.verify(der, NOW);
        assertThat(peer.peerId()).as(v.getKey()).isEqualTo(PeerId.parse(peerId));
        assertThat(PeerId.fromPublicKey(peer.publicKey())).isEqualTo(peer.peerId());
        valid++;
      } else {
        assertThatThrownBy(() -> TlsCertificates.verify(der, NOW))
            .as(v.getKey())
            .isInstanceOf(TlsCertificateException.class)
            .hasMessageContaining("libp2p extension signature is invalid");
      }
    }
    assertThat(valid).isEqualTo(3);
  }

  @Test
  void specVectorKeyTypes() throws Exception {
    List<KeyType> types = new ArrayList<>();
    for (String[] v : readSpecVectors().values()) {
      if (v[1] != null) {
        types.add(TlsCertificates.verify(HexFormat.of().parseHex(v[0]), NOW).publicKey().type());
      }
    }
    assertThat(types).containsExactly(KeyType.ED25519, KeyType.ECDSA, KeyType.SECP256K1);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void createdCertificatesVerify(KeyType type) throws Exception {
    PrivateKey identity = PrivateKey.generate(type);
    Credentials c = TlsCertificates.create(identity, RANDOM, NOW);
    assertThat(c.chain()).hasSize(1);
    X509Certificate cert = c.chain().getFirst();
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(TlsCertificates.VALIDITY));
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    // go-libp2p: the extension is not critical; and it is the first extension (js-libp2p reads only that one)
    assertThat(cert.getNonCriticalExtensionOIDs()).containsExactly(TlsCertificates.EXTENSION_OID);
    VerifiedPeer peer = TlsCertificates.verify(cert.getEncoded(), NOW);
    assertThat(peer.publicKey()).isEqualTo(identity.publicKey());
    assertThat(peer.peerId()).isEqualTo(PeerId.fromPublicKey(identity.publicKey()));
    // a fresh key per certificate
    assertThat(TlsCertificates.create(identity, RANDOM, NOW).chain().getFirst().getPublicKey())
        .isNotEqualTo(cert.getPublicKey());
  }

  @Test
  void validityIsChecked() throws Exception {
    byte[] der = TlsCertificates.create(PrivateKey.generate(KeyType.ED25519), RANDOM, NOW).chain().getFirst().getEncoded();
    TlsCertificates.verify(der, NOW.minus(Duration.ofMinutes(59)));
    TlsCertificates.verify(der, NOW.plus(Duration.ofDays(99 * 365)));
    assertThatThrownBy(() -> TlsCertificates.verify(der, NOW.minus(Duration.ofHours(2))))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("not valid yet");
    assertThatThrownBy(() -> TlsCertificates.verify(der, NOW.plus(Duration.ofDays(101 * 365))))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void aRememberedCertificateStillNeedsItsExactBytes() throws Exception {
    byte[] der = TlsCertificates.create(PrivateKey.generate(KeyType.ED25519), RANDOM, NOW).chain().getFirst().getEncoded();
    VerifiedPeer first = TlsCertificates.verify(der, NOW);
    assertThat(TlsCertificates.verify(der.clone(), NOW)).isEqualTo(first);
    // the last byte is part of the self-signature: the altered copy is verified afresh and refused
    byte[] altered = der.clone();
    altered[altered.length - 1] ^= 1;
    assertThatThrownBy(() -> TlsCertificates.verify(altered, NOW))
        .isInstanceOf(TlsCertificateException.class);
    // remembering is bounded: many other certificates push this one out, and it still verifies
    PrivateKey other = PrivateKey.generate(KeyType.ED25519);
    for (int i = 0; i < TlsCertificates.VERIFIED_CACHE_SIZE + 1; i++) {
      TlsCertificates.verify(TlsCertificates.create(other, RANDOM, NOW).chain().getFirst().getEncoded(), NOW);
    }
    assertThat(TlsCertificates.verify(der, NOW)).isEqualTo(first);
  }

  /** A certificate for a fresh key, with the given extensions, valid around NOW. */
  static byte[] certificate(KeyPair key, List<Extension> extensions) throws Exception {
    return TlsCertificates.selfSigned(
            key, NOW.minusSeconds(60), NOW.plusSeconds(60), extensions, RANDOM)
        .getEncoded();
  }

  @Test
  void jsLibp2pCertificatesAreAccepted() throws Exception {
    // made by @libp2p/tls 3.1.10 (generateCertificate): empty issuer and subject names, critical extension
    for (String line : Files.readAllLines(Path.of(TlsCertificatesTest.class.getResource("/io/jlibp2p/security/tls/js-libp2p-certificates.txt").toURI()))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      byte[] der = Base64.getDecoder().decode(f[0]);
      Instant made = Instant.parse(f[2]);
      assertThat(TlsCertificates.verify(der, made).peerId()).isEqualTo(PeerId.parse(f[1]));
      // the JDK's parser refuses an empty issuer name; ours (which the TLS engine uses) does not
      assertThat(EmptyIssuerCertificates.parse(der).getIssuerX500Principal().getName()).isEmpty();
      assertThatThrownBy(() -> CertificateFactory.getInstance("X.509", "SUN").generateCertificate(new ByteArrayInputStream(der)))
          .hasMessageContaining("Empty issuer DN");
    }
  }

  @Test
  void extensionSignedOverAnotherKeyIsRefused() throws Exception {
    PrivateKey identity = PrivateKey.generate(KeyType.ED25519);
    KeyPair key = TlsCertificates.generateCertificateKey(RANDOM);
    KeyPair other = TlsCertificates.generateCertificateKey(RANDOM);
    Extension wrong = TlsCertificates.signedKeyExtension(identity, other.getPublic().getEncoded(), false);
    assertThatThrownBy(() -> TlsCertificates.verify(certificate(key, List.of(wrong)), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("libp2p extension signature is invalid");
  }

  @Test
  void missingOrMalformedExtensionIsRefused() throws Exception {
    KeyPair key = TlsCertificates.generateCertificateKey(RANDOM);
    assertThatThrownBy(() -> TlsCertificates.verify(certificate(key, List.of()), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("lacks the libp2p Public Key Extension");
    Extension bad =
        new Extension(new ASN1ObjectIdentifier(TlsCertificates.EXTENSION_OID), false, new DEROctetString(new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> TlsCertificates.verify(certificate(key, List.of(bad)), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("malformed libp2p extension");
  }

  @Test
  void criticalExtensions() throws Exception {
    PrivateKey identity = PrivateKey.generate(KeyType.SECP256K1);
    KeyPair key = TlsCertificates.generateCertificateKey(RANDOM);
    byte[] spki = key.getPublic().getEncoded();
    // the libp2p extension may be critical (js-libp2p marks it so)
    Extension critical = TlsCertificates.signedKeyExtension(identity, spki, true);
    assertThat(TlsCertificates.verify(certificate(key, List.of(critical)), NOW).publicKey())
        .isEqualTo(identity.publicKey());
    Extension libp2p = TlsCertificates.signedKeyExtension(identity, spki, false);
    // unknown non-critical extensions are ignored, understood critical ones accepted
    Extension unknown = new Extension(new ASN1ObjectIdentifier("1.2.3.4.5"), false, new DEROctetString(new byte[] {5, 0}));
    Extension basic = new Extension(Extension.basicConstraints, true, new BasicConstraints(false).getEncoded());
    TlsCertificates.verify(certificate(key, List.of(libp2p, unknown, basic)), NOW);
    // unknown critical ones are refused
    Extension unknownCritical = new Extension(new ASN1ObjectIdentifier("1.2.3.4.5"), true, new DEROctetString(new byte[] {5, 0}));
    assertThatThrownBy(() -> TlsCertificates.verify(certificate(key, List.of(libp2p, unknownCritical)), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("unknown critical extension 1.2.3.4.5");
  }

  @Test
  void brokenSelfSignatureIsRefused() throws Exception {
    byte[] der = TlsCertificates.create(PrivateKey.generate(KeyType.ED25519), RANDOM, NOW).chain().getFirst().getEncoded();
    der[der.length - 5] ^= 1; // inside the ECDSA signature
    assertThatThrownBy(() -> TlsCertificates.verify(der, NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("self-signature");
  }

  /** A certificate with an RSA key of modulus {@code n} and exponent {@code e}, and a dummy signature. */
  static byte[] rsaCertificate(BigInteger n, BigInteger e) throws Exception {
    AlgorithmIdentifier sha256WithRsa =
        new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
    tbs.setSerialNumber(new ASN1Integer(1));
    tbs.setSignature(sha256WithRsa);
    tbs.setIssuer(new X500Name("CN=rsa"));
    tbs.setSubject(new X500Name("CN=rsa"));
    tbs.setStartDate(new Time(Date.from(NOW.minusSeconds(60))));
    tbs.setEndDate(new Time(Date.from(NOW.plusSeconds(60))));
    tbs.setSubjectPublicKeyInfo(
        new SubjectPublicKeyInfo(
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
            new org.bouncycastle.asn1.pkcs.RSAPublicKey(n, e)));
    byte[] signature = new byte[(n.bitLength() + 7) / 8];
    signature[signature.length - 1] = 1;
    return new DERSequence(
            new ASN1Encodable[] {
              tbs.generateTBSCertificate(), sha256WithRsa, new DERBitString(signature)
            })
        .getEncoded();
  }

  @Test
  void rsaCertificateKeyWithAHugeExponentIsRefusedBeforeItsSelfSignature() throws Exception {
    BigInteger n = BigInteger.ONE.shiftLeft(3071).setBit(0);
    // an ordinary exponent reaches the self-signature check
    assertThatThrownBy(() -> TlsCertificates.verify(rsaCertificate(n, BigInteger.valueOf(65537)), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("self-signature");
    // a 3000-bit one would make that check cost some 50 ms
    BigInteger huge = BigInteger.ONE.shiftLeft(2999).setBit(0);
    assertThatThrownBy(() -> TlsCertificates.verify(rsaCertificate(n, huge), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("3000-bit public exponent");
  }

  @Test
  void chainsOfOtherThanOneCertificateAreRefused() throws Exception {
    byte[] der = TlsCertificates.create(PrivateKey.generate(KeyType.ED25519), RANDOM, NOW).chain().getFirst().getEncoded();
    TlsCertificates.verify(List.of(der), NOW);
    assertThatThrownBy(() -> TlsCertificates.verify(List.of(der, der), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("2 certificates (expected: exactly one)");
    assertThatThrownBy(() -> TlsCertificates.verify(List.of(), NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("0 certificates");
  }

  @Test
  void oversizedCertificateIsRefusedBeforeParsing() {
    assertThatThrownBy(() -> TlsCertificates.verify(new byte[TlsCertificates.MAX_CERTIFICATE_LENGTH + 1], NOW))
        .isInstanceOf(TlsCertificateException.class)
        .hasMessageContaining("limit");
  }

  @Property(tries = 1000)
  void randomBytesOnlyFailWithACertificateException(@ForAll @Size(max = 600) byte[] bytes) {
    assertThatThrownBy(() -> TlsCertificates.verify(bytes, NOW)).isInstanceOf(TlsCertificateException.class);
  }

  static final byte[] VALID = validCertificate();

  static byte[] validCertificate() {
    try {
      return TlsCertificates.create(PrivateKey.generate(KeyType.ED25519), RANDOM, NOW).chain().getFirst().getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Any single-byte change of a valid certificate is refused or still authenticates the same key. */
  @Property(tries = 1000)
  void mutatedCertificatesFailCleanly(@ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll byte delta) {
    byte[] der = VALID.clone();
    int i = position % der.length;
    der[i] += delta == 0 ? 1 : delta;
    try {
      VerifiedPeer peer = TlsCertificates.verify(der, NOW);
      // only bytes no signature covers may change without notice (e.g. unused bits of the outer encoding)
      assertThat(peer.publicKey()).isEqualTo(TlsCertificates.verify(VALID, NOW).publicKey());
    } catch (TlsCertificateException expected) {
      // refused: fine
    }
  }
}
