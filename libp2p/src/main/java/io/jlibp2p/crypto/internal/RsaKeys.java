package io.jlibp2p.crypto.internal;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PublicKey;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * RSA keys on the JDK provider: public key as X.509 SubjectPublicKeyInfo DER, private key as PKCS#1
 * RSAPrivateKey DER, signatures RSASSA-PKCS1-v1_5 with SHA-256. Moduli outside {@link
 * PublicKey#RSA_MIN_BITS}..{@link PublicKey#RSA_MAX_BITS} bits and public exponents over {@link
 * PublicKey#RSA_MAX_EXPONENT_BITS} bits are rejected.
 */
final class RsaKeys {
  private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

  private RsaKeys() {}

  static PublicKeyImpl publicKey(byte[] raw) {
    SubjectPublicKeyInfo info =
        Der.parse(raw, SubjectPublicKeyInfo::getInstance, "RSA public key (SubjectPublicKeyInfo)");
    if (!PKCSObjectIdentifiers.rsaEncryption.equals(info.getAlgorithm().getAlgorithm())) {
      throw new IllegalArgumentException(
          "RSA public key: algorithm " + info.getAlgorithm().getAlgorithm() + " (expected: rsaEncryption)");
    }
    BigInteger n;
    BigInteger e;
    try {
      org.bouncycastle.asn1.pkcs.RSAPublicKey key =
          org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(info.parsePublicKey());
      if (key == null) {
        throw new IllegalArgumentException("RSA public key: empty RSAPublicKey");
      }
      n = key.getModulus();
      e = key.getPublicExponent();
    } catch (IOException | RuntimeException ex) {
      throw new IllegalArgumentException("RSA public key: malformed RSAPublicKey DER", ex);
    }
    checkModulus(n, "RSA public key");
    checkPublicExponent(e, n, "RSA public key");
    try {
      RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
      return new PublicKeyImpl(key);
    } catch (GeneralSecurityException ex) {
      throw new IllegalArgumentException("RSA public key: rejected by the provider", ex);
    }
  }

  static PrivateKeyImpl privateKey(byte[] raw) {
    RSAPrivateKey k = Der.parse(raw, RSAPrivateKey::getInstance, "RSA private key (PKCS#1)");
    BigInteger n = k.getModulus();
    checkModulus(n, "RSA private key");
    BigInteger p = k.getPrime1();
    BigInteger q = k.getPrime2();
    BigInteger e = k.getPublicExponent();
    BigInteger d = k.getPrivateExponent();
    checkPublicExponent(e, n, "RSA private key");
    // p, q > 1 keeps p - 1 and q - 1 positive moduli
    if (p.compareTo(BigInteger.ONE) <= 0 || q.compareTo(BigInteger.ONE) <= 0 || d.signum() <= 0
        || !p.multiply(q).equals(n)
        || !e.multiply(d).mod(p.subtract(BigInteger.ONE)).equals(BigInteger.ONE)
        || !e.multiply(d).mod(q.subtract(BigInteger.ONE)).equals(BigInteger.ONE)) {
      throw new IllegalArgumentException("RSA private key: inconsistent key components");
    }
    // signing uses the CRT components: they must be those of p, q and d
    BigInteger qInv = k.getCoefficient();
    if (!k.getExponent1().equals(d.mod(p.subtract(BigInteger.ONE)))
        || !k.getExponent2().equals(d.mod(q.subtract(BigInteger.ONE)))
        || qInv.signum() <= 0 || qInv.compareTo(p) >= 0
        || !qInv.multiply(q).mod(p).equals(BigInteger.ONE)) {
      throw new IllegalArgumentException(
          "RSA private key: CRT components do not match the primes and the private exponent");
    }
    try {
      KeyFactory factory = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey priv =
          (RSAPrivateCrtKey)
              factory.generatePrivate(
                  new RSAPrivateCrtKeySpec(
                      n, e, d, p, q, k.getExponent1(), k.getExponent2(), k.getCoefficient()));
      return new PrivateKeyImpl(priv, publicKey(n, e));
    } catch (GeneralSecurityException ex) {
      throw new IllegalArgumentException("RSA private key: rejected by the provider", ex);
    }
  }

  static PrivateKeyImpl generate(int bits, SecureRandom random) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
      RSAPrivateCrtKey priv = (RSAPrivateCrtKey) gen.generateKeyPair().getPrivate();
      return new PrivateKeyImpl(priv, publicKey(priv.getModulus(), priv.getPublicExponent()));
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("RSA key generation failed", ex);
    }
  }

  private static PublicKeyImpl publicKey(BigInteger n, BigInteger e) throws GeneralSecurityException {
    return new PublicKeyImpl(
        (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
  }

  /**
   * An odd exponent in [3, n) of at most {@link PublicKey#RSA_MAX_EXPONENT_BITS} bits: each bit
   * costs a modular squaring in every verification.
   */
  private static void checkPublicExponent(BigInteger e, BigInteger n, String what) {
    if (e.signum() <= 0 || !e.testBit(0) || e.equals(BigInteger.ONE) || e.compareTo(n) >= 0) {
      throw new IllegalArgumentException(what + ": bad public exponent");
    }
    if (e.bitLength() > PublicKey.RSA_MAX_EXPONENT_BITS) {
      throw new IllegalArgumentException(
          what + ": " + e.bitLength() + "-bit public exponent (expected: at most "
              + PublicKey.RSA_MAX_EXPONENT_BITS + " bits)");
    }
  }

  private static void checkModulus(BigInteger n, String what) {
    int bits = n.bitLength();
    if (n.signum() <= 0 || bits < PublicKey.RSA_MIN_BITS || bits > PublicKey.RSA_MAX_BITS) {
      throw new IllegalArgumentException(
          what + ": " + bits + "-bit modulus (expected: " + PublicKey.RSA_MIN_BITS + " to "
              + PublicKey.RSA_MAX_BITS + " bits)");
    }
  }

  static final class PublicKeyImpl extends BasePublicKey {
    private final RSAPublicKey key;

    private PublicKeyImpl(RSAPublicKey key) {
      super(KeyType.RSA, key.getEncoded());
      this.key = key;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
      if (data == null || signature == null
          || signature.length != (key.getModulus().bitLength() + 7) / 8) {
        return false;
      }
      try {
        Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
        verifier.initVerify(key);
        verifier.update(data);
        return verifier.verify(signature);
      } catch (GeneralSecurityException | RuntimeException e) {
        return false;
      }
    }
  }

  static final class PrivateKeyImpl extends BasePrivateKey {
    private final RSAPrivateCrtKey key;

    private PrivateKeyImpl(RSAPrivateCrtKey key, PublicKeyImpl publicKey) {
      super(KeyType.RSA, pkcs1(key), publicKey);
      this.key = key;
    }

    @Override
    public byte[] sign(byte[] data) {
      try {
        Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
        signer.initSign(key);
        signer.update(data);
        return signer.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("RSA signing failed", e);
      }
    }

    private static byte[] pkcs1(RSAPrivateCrtKey k) {
      try {
        return new RSAPrivateKey(
                k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrimeP(),
                k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient())
            .getEncoded(ASN1Encoding.DER);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
