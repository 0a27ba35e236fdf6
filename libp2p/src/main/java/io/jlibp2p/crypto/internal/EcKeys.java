package io.jlibp2p.crypto.internal;

import io.jlibp2p.crypto.KeyType;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA keys over SHA-256 with DER signatures: secp256k1 (Bitcoin encodings: 33-byte compressed
 * public key, 32-byte private scalar) and NIST P-256 (public key as X.509 SubjectPublicKeyInfo DER,
 * private key as SEC 1 ECPrivateKey DER, as go-libp2p's x509.MarshalECPrivateKey). Signing is
 * deterministic (RFC 6979) and always produces low-S signatures; verification accepts both S, and
 * for P-256 also the raw 64-byte r || s form js-libp2p writes.
 */
final class EcKeys {
  /** Longest DER signature verified: SEQUENCE of two 33-byte INTEGERs is 72 bytes. */
  static final int MAX_SIGNATURE_LENGTH = 80;

  private static final int SCALAR_LENGTH = 32;

  enum Curve {
    SECP256K1("secp256k1", KeyType.SECP256K1),
    P256("secp256r1", KeyType.ECDSA);

    final KeyType type;
    final ECDomainParameters domain;
    final BigInteger halfOrder;

    Curve(String name, KeyType type) {
      X9ECParameters params = CustomNamedCurves.getByName(name);
      this.type = type;
      this.domain = new ECDomainParameters(params);
      this.halfOrder = domain.getN().shiftRight(1);
    }
  }

  private EcKeys() {}

  // ---- secp256k1

  static PublicKeyImpl secp256k1PublicKey(byte[] raw) {
    boolean compressed = raw.length == 33 && (raw[0] == 0x02 || raw[0] == 0x03);
    boolean uncompressed = raw.length == 65 && raw[0] == 0x04;
    if (!compressed && !uncompressed) {
      throw new IllegalArgumentException(
          "secp256k1 public key: " + raw.length + " bytes (expected: 33 compressed or 65 uncompressed)");
    }
    return new PublicKeyImpl(Curve.SECP256K1, decodePoint(Curve.SECP256K1, raw, "secp256k1"));
  }

  static PrivateKeyImpl secp256k1PrivateKey(byte[] raw) {
    if (raw.length != SCALAR_LENGTH) {
      throw new IllegalArgumentException(
          "secp256k1 private key: " + raw.length + " bytes (expected: " + SCALAR_LENGTH + ")");
    }
    return privateKey(Curve.SECP256K1, new BigInteger(1, raw), "secp256k1");
  }

  static PrivateKeyImpl generateSecp256k1(SecureRandom random) {
    return generate(Curve.SECP256K1, random);
  }

  // ---- P-256

  static PublicKeyImpl p256PublicKey(byte[] raw) {
    ASN1Sequence seq = Der.parse(raw, ASN1Sequence::getInstance, "ECDSA public key");
    byte[] point;
    try {
      point =
          seq.size() > 0 && seq.getObjectAt(0) instanceof ASN1Integer
              ? jsFormPoint(seq)
              : spkiPoint(SubjectPublicKeyInfo.getInstance(seq));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("ECDSA public key: malformed DER structure", e);
    }
    if (point.length != 65 || point[0] != 0x04) {
      throw new IllegalArgumentException("ECDSA public key: expected an uncompressed P-256 point");
    }
    return new PublicKeyImpl(Curve.P256, decodePoint(Curve.P256, point, "ECDSA"));
  }

  /** The point of an X.509 SubjectPublicKeyInfo (the encoding of the spec and go-libp2p). */
  private static byte[] spkiPoint(SubjectPublicKeyInfo info) {
    AlgorithmIdentifier alg = info.getAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm())
        || !SECObjectIdentifiers.secp256r1.equals(alg.getParameters())) {
      throw new IllegalArgumentException(
          "ECDSA public key: algorithm " + alg.getAlgorithm() + " " + alg.getParameters()
              + " (expected: id-ecPublicKey with named curve P-256)");
    }
    return info.getPublicKeyData().getOctets();
  }

  /**
   * The point of the form js-libp2p (@libp2p/crypto 5) writes: a SEC 1 ECPrivateKey without the
   * private key, SEQUENCE { INTEGER 1, [0] namedCurve, [1] BIT STRING point }. Read, never written.
   */
  private static byte[] jsFormPoint(ASN1Sequence seq) {
    if (seq.size() != 3
        || !ASN1Integer.getInstance(seq.getObjectAt(0)).hasValue(1)
        || !(seq.getObjectAt(1) instanceof ASN1TaggedObject curve)
        || !(seq.getObjectAt(2) instanceof ASN1TaggedObject key)
        || !curve.hasContextTag(0)
        || !key.hasContextTag(1)
        || !SECObjectIdentifiers.secp256r1.equals(curve.getExplicitBaseObject())) {
      throw new IllegalArgumentException("ECDSA public key: neither SubjectPublicKeyInfo nor a P-256 point");
    }
    return ASN1BitString.getInstance(key.getExplicitBaseObject()).getOctets();
  }

  static PrivateKeyImpl p256PrivateKey(byte[] raw) {
    ECPrivateKey sec1 = Der.parse(raw, ECPrivateKey::getInstance, "ECDSA private key (SEC 1)");
    BigInteger d;
    org.bouncycastle.asn1.ASN1Object params;
    ASN1BitString pub;
    try {
      d = sec1.getKey();
      params = sec1.getParametersObject();
      pub = sec1.getPublicKey();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("ECDSA private key: malformed SEC 1 key", e);
    }
    if (params != null && !SECObjectIdentifiers.secp256r1.equals(params)) {
      throw new IllegalArgumentException(
          "ECDSA private key: curve " + params + " (expected: named curve P-256)");
    }
    PrivateKeyImpl key = privateKey(Curve.P256, d, "ECDSA");
    if (pub != null) {
      ECPoint q;
      try {
        q = Curve.P256.domain.getCurve().decodePoint(pub.getOctets());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("ECDSA private key: bad public key", e);
      }
      if (!q.equals(key.publicKey.q)) {
        throw new IllegalArgumentException(
            "ECDSA private key: the public key does not belong to the private key");
      }
    }
    return key;
  }

  static PrivateKeyImpl generateP256(SecureRandom random) {
    return generate(Curve.P256, random);
  }

  // ---- common

  private static ECPoint decodePoint(Curve curve, byte[] encoded, String what) {
    ECPoint q;
    try {
      q = curve.domain.getCurve().decodePoint(encoded).normalize();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + " public key: not a point on the curve", e);
    }
    if (q.isInfinity() || !q.isValid()) {
      throw new IllegalArgumentException(what + " public key: not a valid point on the curve");
    }
    return q;
  }

  private static PrivateKeyImpl privateKey(Curve curve, BigInteger d, String what) {
    if (d.signum() <= 0 || d.compareTo(curve.domain.getN()) >= 0) {
      throw new IllegalArgumentException(what + " private key: scalar out of range [1, n-1]");
    }
    ECPoint q = new FixedPointCombMultiplier().multiply(curve.domain.getG(), d).normalize();
    return new PrivateKeyImpl(curve, d, new PublicKeyImpl(curve, q));
  }

  private static PrivateKeyImpl generate(Curve curve, SecureRandom random) {
    BigInteger d =
        BigIntegers.createRandomInRange(BigInteger.ONE, curve.domain.getN().subtract(BigInteger.ONE), random);
    return privateKey(curve, d, curve.type.name());
  }

  private static byte[] publicRaw(Curve curve, ECPoint q) {
    return switch (curve) {
      case SECP256K1 -> q.getEncoded(true);
      case P256 -> {
        try {
          yield new SubjectPublicKeyInfo(
                  new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
                  q.getEncoded(false))
              .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  private static byte[] privateRaw(Curve curve, BigInteger d, ECPoint q) {
    byte[] scalar = BigIntegers.asUnsignedByteArray(SCALAR_LENGTH, d);
    return switch (curve) {
      case SECP256K1 -> scalar;
      case P256 -> {
        try {
          yield new DERSequence(
                  new ASN1Encodable[] {
                    new ASN1Integer(1),
                    new DEROctetString(scalar),
                    new DERTaggedObject(true, 0, SECObjectIdentifiers.secp256r1),
                    new DERTaggedObject(true, 1, new DERBitString(q.getEncoded(false)))
                  })
              .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** r and s of a strict DER ECDSA signature with both in [1, n-1], or null. */
  private static BigInteger[] parseSignature(byte[] sig, BigInteger n) {
    if (sig.length > MAX_SIGNATURE_LENGTH) {
      return null;
    }
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(sig);
      if (!(p instanceof ASN1Sequence seq)
          || seq.size() != 2
          || !(seq.getObjectAt(0) instanceof ASN1Integer ri)
          || !(seq.getObjectAt(1) instanceof ASN1Integer si)
          || !Arrays.equals(p.getEncoded(ASN1Encoding.DER), sig)) {
        return null;
      }
      BigInteger r = ri.getValue();
      BigInteger s = si.getValue();
      if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
        return null;
      }
      return new BigInteger[] {r, s};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * r and s of a raw (IEEE P1363) r || s signature, the form js-libp2p (@libp2p/crypto 5) produces
   * for P-256 through WebCrypto, with both in [1, n-1]; or null.
   */
  private static BigInteger[] parseRawSignature(byte[] sig, BigInteger n) {
    BigInteger r = new BigInteger(1, Arrays.copyOf(sig, SCALAR_LENGTH));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, SCALAR_LENGTH, sig.length));
    if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
      return null;
    }
    return new BigInteger[] {r, s};
  }

  static final class PublicKeyImpl extends BasePublicKey {
    private final Curve curve;
    final ECPoint q;
    private final ECPublicKeyParameters params;

    private PublicKeyImpl(Curve curve, ECPoint q) {
      super(curve.type, publicRaw(curve, q));
      this.curve = curve;
      this.q = q;
      this.params = new ECPublicKeyParameters(q, curve.domain);
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
      if (data == null || signature == null) {
        return false;
      }
      BigInteger[] rs = parseSignature(signature, curve.domain.getN());
      if (rs == null && curve == Curve.P256 && signature.length == 2 * SCALAR_LENGTH) {
        rs = parseRawSignature(signature, curve.domain.getN());
      }
      if (rs == null) {
        return false;
      }
      try {
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, params);
        return verifier.verifySignature(sha256(data), rs[0], rs[1]);
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  static final class PrivateKeyImpl extends BasePrivateKey {
    private final Curve curve;
    private final ECPrivateKeyParameters params;
    final PublicKeyImpl publicKey;

    private PrivateKeyImpl(Curve curve, BigInteger d, PublicKeyImpl publicKey) {
      super(curve.type, privateRaw(curve, d, publicKey.q), publicKey);
      this.curve = curve;
      this.params = new ECPrivateKeyParameters(d, curve.domain);
      this.publicKey = publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
      ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      signer.init(true, params);
      BigInteger[] rs = signer.generateSignature(sha256(data));
      BigInteger s = rs[1];
      if (s.compareTo(curve.halfOrder) > 0) {
        s = curve.domain.getN().subtract(s);
      }
      try {
        return new DERSequence(new ASN1Encodable[] {new ASN1Integer(rs[0]), new ASN1Integer(s)})
            .getEncoded(ASN1Encoding.DER);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
