package io.jlibp2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class KeyCodecPropertiesTest {
  private static final PrivateKey ED = PrivateKey.generate(KeyType.ED25519);
  private static final PrivateKey K1 = PrivateKey.generate(KeyType.SECP256K1);
  private static final PrivateKey P256 = PrivateKey.generate(KeyType.ECDSA);

  @Property(tries = 2000)
  void publicKeyUnmarshalOfRandomBytesOnlyThrowsIllegalArgument(@ForAll @Size(max = 200) byte[] bytes) {
    try {
      PublicKey key = PublicKey.unmarshal(bytes);
      assertThat(key.raw()).isNotEmpty();
    } catch (IllegalArgumentException expected) {
      // fine
    }
  }

  @Property(tries = 2000)
  void privateKeyUnmarshalOfRandomBytesOnlyThrowsIllegalArgument(@ForAll @Size(max = 200) byte[] bytes) {
    try {
      PrivateKey.unmarshal(bytes);
    } catch (IllegalArgumentException expected) {
      // fine
    }
  }

  @Property(tries = 2000)
  void wellFramedRandomKeyDataOnlyThrowsIllegalArgument(
      @ForAll @IntRange(min = 0, max = 3) int type, @ForAll("keyData") byte[] data, @ForAll boolean priv) {
    byte[] proto = KeysTest.keyProto(type, data);
    try {
      if (priv) {
        PrivateKey.unmarshal(proto);
      } else {
        PublicKey.unmarshal(proto);
      }
    } catch (IllegalArgumentException expected) {
      // fine
    }
  }

  @Provide
  Arbitrary<byte[]> keyData() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
    Arbitrary<byte[]> mutated =
        Arbitraries.of(
                P256.marshal(), P256.publicKey().marshal(), K1.publicKey().marshal(), ED.marshal())
            .flatMap(
                valid ->
                    Arbitraries.integers()
                        .between(4, valid.length - 1)
                        .flatMap(
                            i ->
                                Arbitraries.bytes()
                                    .map(
                                        b -> {
                                          byte[] d = java.util.Arrays.copyOfRange(valid, 4, valid.length);
                                          d[i - 4] ^= (byte) (b == 0 ? 1 : b);
                                          return d;
                                        })));
    return Arbitraries.oneOf(random, mutated);
  }

  @Property(tries = 1000)
  void verifyOfRandomSignaturesIsFalse(@ForAll @Size(max = 100) byte[] sig, @ForAll byte[] data) {
    assertThat(ED.publicKey().verify(data, sig)).isFalse();
    assertThat(K1.publicKey().verify(data, sig)).isFalse();
    assertThat(P256.publicKey().verify(data, sig)).isFalse();
  }
}
