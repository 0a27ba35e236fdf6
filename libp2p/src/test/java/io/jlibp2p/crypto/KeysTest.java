package io.jlibp2p.crypto;

import static io.jlibp2p.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeysTest {
  private static final byte[] MESSAGE = "libp2p signs this".getBytes(StandardCharsets.UTF_8);
  private static final Map<KeyType, PrivateKey> KEYS = new EnumMap<>(KeyType.class);

  static synchronized PrivateKey key(KeyType type) {
    return KEYS.computeIfAbsent(type, PrivateKey::generate);
  }

  /** A protobuf key message: field 1 (type), field 2 (data). Built by hand, independently of the code under test. */
  static byte[] keyProto(int type, byte[] data) {
    byte[] len = varint(data.length);
    byte[] out = new byte[2 + 1 + len.length + data.length];
    out[0] = 0x08;
    out[1] = (byte) type;
    out[2] = 0x12;
    System.arraycopy(len, 0, out, 3, len.length);
    System.arraycopy(data, 0, out, 3 + len.length, data.length);
    return out;
  }

  private static byte[] varint(int v) {
    byte[] buf = new byte[5];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    buf[n++] = (byte) v;
    return Arrays.copyOf(buf, n);
  }

  @Test
  void specVectorsRoundTripAndPublicKeyDerivesFromPrivateKey() {
    Map<String, byte[]> publics = new java.util.HashMap<>();
    Map<String, byte[]> privates = new java.util.HashMap<>();
    for (String[] row : Vectors.read("key-vectors.txt")) {
      (row[1].equals("public") ? publics : privates).put(row[0], hex(row[2]));
    }
    assertThat(publics.keySet()).containsExactlyInAnyOrder("ECDSA", "ED25519", "SECP256K1", "RSA");
    for (String type : publics.keySet()) {
      PrivateKey priv = PrivateKey.unmarshal(privates.get(type));
      PublicKey pub = PublicKey.unmarshal(publics.get(type));
      assertThat(priv.type()).as(type).isEqualTo(KeyType.valueOf(type));
      assertThat(priv.marshal()).as(type).isEqualTo(privates.get(type));
      assertThat(pub.marshal()).as(type).isEqualTo(publics.get(type));
      assertThat(priv.publicKey()).as(type).isEqualTo(pub);
      assertThat(priv.publicKey().marshal()).as(type).isEqualTo(publics.get(type));
      assertThat(pub.verify(MESSAGE, priv.sign(MESSAGE))).as(type).isTrue();
    }
  }

  @Test
  void readsJsLibp2pKeysAndVerifiesItsSignatures() {
    byte[] message = "jlibp2p interop message".getBytes(StandardCharsets.UTF_8);
    java.util.Set<KeyType> seen = java.util.EnumSet.noneOf(KeyType.class);
    for (String[] row : Vectors.read("js-libp2p-vectors.txt")) {
      PrivateKey priv = PrivateKey.unmarshal(hex(row[1]));
      PublicKey pub = PublicKey.unmarshal(hex(row[2]));
      seen.add(priv.type());
      assertThat(priv.type()).isEqualTo(KeyType.valueOf(row[0]));
      assertThat(priv.marshal()).as(row[0]).isEqualTo(hex(row[1]));
      if (priv.type() == KeyType.ECDSA) {
        // js-libp2p writes a non-standard form (SEC 1 without the private key); we read it and
        // write the X.509 SubjectPublicKeyInfo form of the spec
        assertThat(pub.raw()).startsWith(hex("3059301306072a8648ce3d020106082a8648ce3d030107034200"));
      } else {
        assertThat(pub.marshal()).as(row[0]).isEqualTo(hex(row[2]));
      }
      assertThat(priv.publicKey()).isEqualTo(pub);
      byte[] jsSignature = hex(row[4]);
      assertThat(pub.verify(message, jsSignature)).as(row[0]).isTrue();
      if (priv.type() != KeyType.ECDSA) { // js ECDSA signatures are randomized
        assertThat(priv.sign(message)).as(row[0]).isEqualTo(jsSignature);
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(KeyType.values());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void roundTripsSignsAndVerifies(KeyType type) {
    PrivateKey key = key(type);
    assertThat(key.type()).isEqualTo(type);
    PrivateKey again = PrivateKey.unmarshal(key.marshal());
    assertThat(again).isEqualTo(key);
    assertThat(again.marshal()).isEqualTo(key.marshal());
    PublicKey pub = PublicKey.unmarshal(key.publicKey().marshal());
    assertThat(pub).isEqualTo(key.publicKey()).hasSameHashCodeAs(key.publicKey());
    assertThat(PublicKey.fromRaw(type, pub.raw())).isEqualTo(pub);
    assertThat(pub.marshal()).isEqualTo(keyProto(type.number(), pub.raw()));
    assertThat(key.marshal()[0]).isEqualTo((byte) 0x08);

    byte[] sig = key.sign(MESSAGE);
    assertThat(pub.verify(MESSAGE, sig)).isTrue();
    assertThat(again.publicKey().verify(MESSAGE, again.sign(MESSAGE))).isTrue();
    assertThat(key.toString()).doesNotContain(HexFormat.of().formatHex(key.marshal()).substring(8, 40));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void badSignaturesAreFalseNeverExceptions(KeyType type) {
    PrivateKey key = key(type);
    PublicKey pub = key.publicKey();
    byte[] sig = key.sign(MESSAGE);
    for (int i = 0; i < sig.length; i++) {
      byte[] tampered = sig.clone();
      tampered[i] ^= 0x01;
      assertThat(pub.verify(MESSAGE, tampered)).as("bit flip at %d", i).isFalse();
    }
    byte[] otherMessage = MESSAGE.clone();
    otherMessage[0] ^= 1;
    assertThat(pub.verify(otherMessage, sig)).isFalse();
    assertThat(pub.verify(MESSAGE, new byte[0])).isFalse();
    assertThat(pub.verify(MESSAGE, Arrays.copyOf(sig, sig.length + 1))).isFalse();
    assertThat(pub.verify(MESSAGE, Arrays.copyOf(sig, sig.length - 1))).isFalse();
    assertThat(pub.verify(MESSAGE, new byte[100_000])).isFalse();
    assertThat(pub.verify(MESSAGE, null)).isFalse();
    PrivateKey other = PrivateKey.generate(type == KeyType.RSA ? KeyType.ED25519 : type);
    assertThat(other.publicKey().verify(MESSAGE, sig)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SECP256K1", "ECDSA"})
  void ecdsaSignaturesAreDeterministicLowSDer(KeyType type) throws Exception {
    PrivateKey key = key(type);
    BigInteger n =
        type == KeyType.SECP256K1
            ? new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
            : new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    for (int i = 0; i < 20; i++) {
      byte[] msg = ("message " + i).getBytes(StandardCharsets.UTF_8);
      byte[] sig = key.sign(msg);
      assertThat(key.sign(msg)).isEqualTo(sig);
      ASN1Sequence seq = ASN1Sequence.getInstance(sig);
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      assertThat(s.compareTo(n.shiftRight(1))).isLessThanOrEqualTo(0);
      // the high-S twin is a valid signature too, and is accepted
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      byte[] highS =
          new org.bouncycastle.asn1.DERSequence(
                  new org.bouncycastle.asn1.ASN1Encodable[] {
                    new ASN1Integer(r), new ASN1Integer(n.subtract(s))
                  })
              .getEncoded();
      assertThat(key.publicKey().verify(msg, highS)).isTrue();
    }
  }

  @Test
  void nonMinimalDerSignatureIsRejected() {
    PrivateKey key = key(KeyType.SECP256K1);
    byte[] sig = key.sign(MESSAGE);
    // long-form length for the sequence: 0x30 0x81 len ...
    byte[] bad = new byte[sig.length + 1];
    bad[0] = 0x30;
    bad[1] = (byte) 0x81;
    bad[2] = sig[1];
    System.arraycopy(sig, 2, bad, 3, sig.length - 2);
    assertThat(key.publicKey().verify(MESSAGE, bad)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void generationUsesTheGivenRandomness(KeyType type) throws NoSuchAlgorithmException {
    if (type == KeyType.RSA) {
      return; // the JDK's RSA generator mixes in its own entropy
    }
    PrivateKey a = PrivateKey.generate(type, seeded(42));
    PrivateKey b = PrivateKey.generate(type, seeded(42));
    PrivateKey c = PrivateKey.generate(type, seeded(43));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  private static SecureRandom seeded(long seed) throws NoSuchAlgorithmException {
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed);
    return r;
  }

  @Test
  void ed25519AcceptsLegacy96ByteFormAndRejectsMismatches() {
    PrivateKey key = key(KeyType.ED25519);
    byte[] raw = Arrays.copyOfRange(key.marshal(), 4, 68);
    byte[] pub = key.publicKey().raw();
    byte[] legacy = Arrays.copyOf(raw, 96);
    System.arraycopy(pub, 0, legacy, 64, 32);
    PrivateKey fromLegacy = PrivateKey.unmarshal(keyProto(1, legacy));
    assertThat(fromLegacy).isEqualTo(key);
    assertThat(fromLegacy.marshal()).isEqualTo(key.marshal());

    byte[] badLegacy = legacy.clone();
    badLegacy[95] ^= 1;
    assertThatThrownBy(() -> PrivateKey.unmarshal(keyProto(1, badLegacy)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] wrongPub = raw.clone();
    wrongPub[63] ^= 1;
    assertThatThrownBy(() -> PrivateKey.unmarshal(keyProto(1, wrongPub)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void rejectsBadPublicKeys() {
    byte[] notOnEd25519 = new byte[32];
    notOnEd25519[0] = 2; // y = 2: x^2 is not a square
    byte[] notOnSecp256k1 = new byte[33];
    notOnSecp256k1[0] = 2;
    notOnSecp256k1[32] = 5; // x = 5: x^3 + 7 is not a square
    byte[][] bad = {
      keyProto(1, new byte[31]),
      keyProto(1, new byte[33]),
      keyProto(1, notOnEd25519),
      keyProto(2, new byte[32]),
      keyProto(2, notOnSecp256k1),
      keyProto(3, new byte[91]),
      keyProto(0, new byte[300]),
      keyProto(4, new byte[32]),
      {0x08, 0x01},
      {0x12, 0x00},
      new byte[0],
      new byte[PublicKey.MAX_ENCODED_LENGTH + 1],
    };
    for (byte[] b : bad) {
      assertThatThrownBy(() -> PublicKey.unmarshal(b))
          .as(HexFormat.of().formatHex(b, 0, Math.min(b.length, 12)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rejectsBadPrivateKeys() {
    BigInteger n = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    byte[][] bad = {
      keyProto(1, new byte[63]),
      keyProto(2, new byte[32]), // zero scalar
      keyProto(2, org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, n)),
      keyProto(2, new byte[31]),
      keyProto(3, new byte[40]),
      keyProto(0, new byte[40]),
      new byte[PrivateKey.MAX_ENCODED_LENGTH + 1],
    };
    for (byte[] b : bad) {
      assertThatThrownBy(() -> PrivateKey.unmarshal(b))
          .as(HexFormat.of().formatHex(b, 0, Math.min(b.length, 12)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rejectsRsaKeysBelowTheMinimumSize() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(1024);
    java.security.KeyPair pair = gen.generateKeyPair();
    assertThatThrownBy(() -> PublicKey.unmarshal(keyProto(0, pair.getPublic().getEncoded())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024-bit");
  }

  /** The PKCS#1 RSAPrivateKey of a generated RSA key. */
  private static org.bouncycastle.asn1.pkcs.RSAPrivateKey rsaComponents() {
    byte[] encoded = key(KeyType.RSA).marshal();
    return org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(
        Arrays.copyOfRange(encoded, encoded.length - rsaRawLength(encoded), encoded.length));
  }

  /** The length of the Data field of a protobuf key whose Data is last (as marshal writes it). */
  private static int rsaRawLength(byte[] encoded) {
    int length = 0;
    int shift = 0;
    for (int i = 3; ; i++) {
      length |= (encoded[i] & 0x7F) << shift;
      shift += 7;
      if ((encoded[i] & 0x80) == 0) {
        return length;
      }
    }
  }

  private static byte[] rsaPrivateKey(
      BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q, BigInteger dp,
      BigInteger dq, BigInteger qInv) throws Exception {
    return keyProto(0, new org.bouncycastle.asn1.pkcs.RSAPrivateKey(n, e, d, p, q, dp, dq, qInv).getEncoded());
  }

  @Test
  void inconsistentRsaPrivateKeysAreIllegalArguments() throws Exception {
    org.bouncycastle.asn1.pkcs.RSAPrivateKey k = rsaComponents();
    BigInteger n = k.getModulus();
    BigInteger one = BigInteger.ONE;
    // p = 1 and q = n multiply to n; p - 1 = 0 used to reach BigInteger.mod (ArithmeticException)
    byte[] primeOne = rsaPrivateKey(n, k.getPublicExponent(), one, one, n, one, one, one);
    assertThatThrownBy(() -> PrivateKey.unmarshal(primeOne))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inconsistent key components");
    // a CRT component that is not d mod (p - 1): the key used to decode and then fail to sign
    byte[] badCrt = rsaPrivateKey(n, k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(),
        k.getPrime2(), k.getExponent1().add(one), k.getExponent2(), k.getCoefficient());
    assertThatThrownBy(() -> PrivateKey.unmarshal(badCrt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CRT components");
  }

  @Test
  void rsaPublicExponentsOverTheLimitAreRefused() throws Exception {
    org.bouncycastle.asn1.pkcs.RSAPrivateKey k = rsaComponents();
    BigInteger n = k.getModulus();
    java.util.function.Function<BigInteger, byte[]> publicKey = e -> {
      try {
        return keyProto(0, new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption,
                org.bouncycastle.asn1.DERNull.INSTANCE),
            new org.bouncycastle.asn1.pkcs.RSAPublicKey(n, e)).getEncoded());
      } catch (java.io.IOException ex) {
        throw new IllegalStateException(ex);
      }
    };
    BigInteger largest = BigInteger.ONE.shiftLeft(PublicKey.RSA_MAX_EXPONENT_BITS).subtract(BigInteger.ONE);
    assertThat(PublicKey.unmarshal(publicKey.apply(largest)).type()).isEqualTo(KeyType.RSA);
    // each exponent bit is a squaring in every verification: 2047 bits took some 20 ms, not 1 ms
    for (BigInteger e : new BigInteger[] {largest.add(BigInteger.TWO), n.shiftRight(1).setBit(0)}) {
      assertThatThrownBy(() -> PublicKey.unmarshal(publicKey.apply(e)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-bit public exponent");
    }
    // a private key with an equivalent, larger exponent: e + lcm(p - 1, q - 1)
    BigInteger p1 = k.getPrime1().subtract(BigInteger.ONE);
    BigInteger q1 = k.getPrime2().subtract(BigInteger.ONE);
    BigInteger lcm = p1.multiply(q1).divide(p1.gcd(q1));
    byte[] bigExponent = rsaPrivateKey(n, k.getPublicExponent().add(lcm), k.getPrivateExponent(),
        k.getPrime1(), k.getPrime2(), k.getExponent1(), k.getExponent2(), k.getCoefficient());
    assertThatThrownBy(() -> PrivateKey.unmarshal(bigExponent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-bit public exponent");
  }

  @Test
  void secp256k1AcceptsUncompressedPublicKeysAndEncodesThemCompressed() {
    PrivateKey key = key(KeyType.SECP256K1);
    byte[] compressed = key.publicKey().raw();
    assertThat(compressed).hasSize(33);
    org.bouncycastle.math.ec.ECPoint q =
        org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256k1")
            .getCurve()
            .decodePoint(compressed);
    PublicKey fromUncompressed = PublicKey.unmarshal(keyProto(2, q.getEncoded(false)));
    assertThat(fromUncompressed).isEqualTo(key.publicKey());
    assertThat(fromUncompressed.raw()).isEqualTo(compressed);
  }

  @Test
  void publicKeyEncodingsHaveTheSpecifiedLengths() {
    assertThat(key(KeyType.ED25519).publicKey().raw()).hasSize(32);
    assertThat(key(KeyType.ED25519).marshal()).hasSize(4 + 64);
    assertThat(key(KeyType.SECP256K1).marshal()).hasSize(4 + 32);
    assertThat(key(KeyType.ECDSA).publicKey().raw()).hasSize(91);
    assertThat(KeyType.fromNumber(3)).isEqualTo(KeyType.ECDSA);
    assertThatThrownBy(() -> KeyType.fromNumber(4)).isInstanceOf(IllegalArgumentException.class);
  }
}
