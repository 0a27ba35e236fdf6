package io.jlibp2p.crypto.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.crypto.internal.pb.CryptoProtos;
import java.security.SecureRandom;
import java.util.Objects;

/** The libp2p key protobuf encoding and the dispatch to each key type. Stateless. */
public final class KeyCodec {
  private KeyCodec() {}

  public static PublicKey unmarshalPublicKey(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    checkLength(bytes.length, PublicKey.MAX_ENCODED_LENGTH, "public key");
    CryptoProtos.PublicKey pb;
    try {
      pb = CryptoProtos.PublicKey.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("public key: malformed protobuf: " + e.getMessage(), e);
    }
    return publicKeyFromRaw(keyType(pb.getType()), pb.getData().toByteArray());
  }

  public static PrivateKey unmarshalPrivateKey(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    checkLength(bytes.length, PrivateKey.MAX_ENCODED_LENGTH, "private key");
    CryptoProtos.PrivateKey pb;
    try {
      pb = CryptoProtos.PrivateKey.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("private key: malformed protobuf: " + e.getMessage(), e);
    }
    byte[] raw = pb.getData().toByteArray();
    return switch (keyType(pb.getType())) {
      case ED25519 -> Ed25519Keys.privateKey(raw);
      case SECP256K1 -> EcKeys.secp256k1PrivateKey(raw);
      case ECDSA -> EcKeys.p256PrivateKey(raw);
      case RSA -> RsaKeys.privateKey(raw);
    };
  }

  public static PublicKey publicKeyFromRaw(KeyType type, byte[] raw) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(raw, "raw");
    return switch (type) {
      case ED25519 -> Ed25519Keys.publicKey(raw);
      case SECP256K1 -> EcKeys.secp256k1PublicKey(raw);
      case ECDSA -> EcKeys.p256PublicKey(raw);
      case RSA -> RsaKeys.publicKey(raw);
    };
  }

  public static PrivateKey generate(KeyType type, SecureRandom random) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(random, "random");
    return switch (type) {
      case ED25519 -> Ed25519Keys.generate(random);
      case SECP256K1 -> EcKeys.generateSecp256k1(random);
      case ECDSA -> EcKeys.generateP256(random);
      case RSA -> RsaKeys.generate(PrivateKey.RSA_DEFAULT_BITS, random);
    };
  }

  /** The deterministic protobuf {@code PublicKey} encoding: type, then data, both always present. */
  static byte[] marshalPublicKey(KeyType type, byte[] raw) {
    return CryptoProtos.PublicKey.newBuilder()
        .setType(pbType(type))
        .setData(ByteString.copyFrom(raw))
        .build()
        .toByteArray();
  }

  /** The deterministic protobuf {@code PrivateKey} encoding. */
  static byte[] marshalPrivateKey(KeyType type, byte[] raw) {
    return CryptoProtos.PrivateKey.newBuilder()
        .setType(pbType(type))
        .setData(ByteString.copyFrom(raw))
        .build()
        .toByteArray();
  }

  private static CryptoProtos.KeyType pbType(KeyType type) {
    return CryptoProtos.KeyType.forNumber(type.number());
  }

  private static KeyType keyType(CryptoProtos.KeyType pb) {
    return KeyType.fromNumber(pb.getNumber());
  }

  private static void checkLength(int length, int max, String what) {
    if (length > max) {
      throw new IllegalArgumentException(
          what + ": " + length + " bytes (expected: at most " + max + ")");
    }
  }
}
