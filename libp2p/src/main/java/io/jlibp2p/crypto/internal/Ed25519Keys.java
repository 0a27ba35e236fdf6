package io.jlibp2p.crypto.internal;

import io.jlibp2p.crypto.KeyType;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Ed25519 keys on BouncyCastle's RFC 8032 implementation. */
final class Ed25519Keys {
  static final int PUBLIC_KEY_LENGTH = Ed25519.PUBLIC_KEY_SIZE;
  static final int SEED_LENGTH = Ed25519.SECRET_KEY_SIZE;
  static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;
  /** Private key encoding: seed then public key. */
  static final int PRIVATE_KEY_LENGTH = SEED_LENGTH + PUBLIC_KEY_LENGTH;
  /** Legacy private key encoding: seed, public key, public key again. */
  static final int LEGACY_PRIVATE_KEY_LENGTH = SEED_LENGTH + 2 * PUBLIC_KEY_LENGTH;

  private Ed25519Keys() {}

  static PublicKeyImpl publicKey(byte[] raw) {
    if (raw.length != PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "Ed25519 public key: " + raw.length + " bytes (expected: " + PUBLIC_KEY_LENGTH + ")");
    }
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(raw, 0);
    if (point == null) {
      throw new IllegalArgumentException("Ed25519 public key: not a point on the curve");
    }
    return new PublicKeyImpl(raw.clone(), point);
  }

  static PrivateKeyImpl privateKey(byte[] raw) {
    if (raw.length == LEGACY_PRIVATE_KEY_LENGTH) {
      if (!Arrays.equals(
          raw, SEED_LENGTH, SEED_LENGTH + PUBLIC_KEY_LENGTH,
          raw, SEED_LENGTH + PUBLIC_KEY_LENGTH, LEGACY_PRIVATE_KEY_LENGTH)) {
        throw new IllegalArgumentException(
            "Ed25519 private key: legacy 96-byte form with two different public keys");
      }
    } else if (raw.length != PRIVATE_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "Ed25519 private key: " + raw.length + " bytes (expected: " + PRIVATE_KEY_LENGTH
              + " or " + LEGACY_PRIVATE_KEY_LENGTH + ")");
    }
    byte[] seed = Arrays.copyOf(raw, SEED_LENGTH);
    PrivateKeyImpl key = fromSeed(seed);
    if (!MessageDigest.isEqual(
        key.publicKeyBytes, Arrays.copyOfRange(raw, SEED_LENGTH, PRIVATE_KEY_LENGTH))) {
      throw new IllegalArgumentException(
          "Ed25519 private key: the public key does not belong to the private key");
    }
    return key;
  }

  static PrivateKeyImpl generate(SecureRandom random) {
    byte[] seed = new byte[SEED_LENGTH];
    Ed25519.generatePrivateKey(random, seed);
    return fromSeed(seed);
  }

  private static PrivateKeyImpl fromSeed(byte[] seed) {
    byte[] pub = new byte[PUBLIC_KEY_LENGTH];
    Ed25519.generatePublicKey(seed, 0, pub, 0);
    return new PrivateKeyImpl(seed, publicKey(pub));
  }

  static final class PublicKeyImpl extends BasePublicKey {
    private final Ed25519.PublicPoint point;

    private PublicKeyImpl(byte[] raw, Ed25519.PublicPoint point) {
      super(KeyType.ED25519, raw);
      this.point = point;
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
      if (data == null || signature == null || signature.length != SIGNATURE_LENGTH) {
        return false;
      }
      try {
        return Ed25519.verify(signature, 0, point, data, 0, data.length);
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  static final class PrivateKeyImpl extends BasePrivateKey {
    private final byte[] seed;
    private final byte[] publicKeyBytes;

    private PrivateKeyImpl(byte[] seed, PublicKeyImpl publicKey) {
      super(KeyType.ED25519, concat(seed, publicKey.raw()), publicKey);
      this.seed = seed;
      this.publicKeyBytes = publicKey.raw();
    }

    @Override
    public byte[] sign(byte[] data) {
      byte[] sig = new byte[SIGNATURE_LENGTH];
      Ed25519.sign(seed, 0, publicKeyBytes, 0, data, 0, data.length, sig, 0);
      return sig;
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }
}
