package io.jlibp2p.security.noise.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.awaitility.Awaitility;

/**
 * jlibp2p's Poly1305 against a BigInteger transcription of RFC 8439 section 2.5, and the split
 * ChaCha20-Poly1305 against the JDK's AEAD and the RFC's AEAD test vector (section 2.8.2).
 */
class ChaChaPolyTest {
  private static final BigInteger P = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));
  private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);
  private static final BigInteger CLAMP = new BigInteger("0ffffffc0ffffffc0ffffffc0fffffff", 16);

  /** RFC 8439 2.5.1, for whole 16-byte blocks: a = (a + block + 2^128) * r mod p; tag = a + s. */
  static byte[] referenceTag(byte[] key, byte[] m) {
    BigInteger r = le(Arrays.copyOfRange(key, 0, 16)).and(CLAMP);
    BigInteger s = le(Arrays.copyOfRange(key, 16, 32));
    BigInteger a = BigInteger.ZERO;
    for (int i = 0; i < m.length; i += 16) {
      BigInteger n = le(Arrays.copyOfRange(m, i, i + 16)).add(TWO_128);
      a = a.add(n).multiply(r).mod(P);
    }
    return toLe16(a.add(s).mod(TWO_128));
  }

  static BigInteger le(byte[] b) {
    byte[] be = new byte[b.length + 1];
    for (int i = 0; i < b.length; i++) {
      be[b.length - i] = b[i];
    }
    return new BigInteger(be);
  }

  static byte[] toLe16(BigInteger v) {
    byte[] out = new byte[16];
    for (int i = 0; i < 16; i++) {
      out[i] = v.shiftRight(8 * i).byteValue();
    }
    return out;
  }

  static byte[] tag(byte[] key, byte[] m) {
    return tag(new Poly1305(false), key, m, m.length);
  }

  /** The tag of {@code m}, given to {@code p} in two calls split at {@code cut} (a multiple of 16). */
  static byte[] tag(Poly1305 p, byte[] key, byte[] m, int cut) {
    p.init(key, 0);
    p.blocks(m, 0, cut);
    p.blocks(m, cut, m.length - cut);
    byte[] t = new byte[16];
    p.finish(t, 0);
    return t;
  }

  @Provide
  Arbitrary<byte[]> keys() {
    // random keys, and keys whose bytes are all 0x00 or all 0xff (r at its largest after
    // clamping, s at 2^128 - 1), which push every limb to its bounds
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofSize(32),
        Arbitraries.of((byte) 0, (byte) -1).array(byte[].class).ofSize(32));
  }

  @Provide
  Arbitrary<byte[]> messages() {
    return wholeBlocks(Arbitraries.integers().between(0, 40));
  }

  /** Messages of {@code blocks} 16-byte blocks: random bytes, or bytes at their bounds. */
  private static Arbitrary<byte[]> wholeBlocks(Arbitrary<Integer> blocks) {
    return Arbitraries.oneOf(
        blocks.flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(16 * n)),
        blocks.flatMap(n -> Arbitraries.of((byte) 0, (byte) -1, (byte) -2, (byte) 1)
            .array(byte[].class).ofSize(16 * n)));
  }

  @Property(tries = 2000)
  void poly1305MatchesTheRfcDefinition(
      @ForAll("keys") byte[] key, @ForAll("messages") byte[] m) {
    assertThat(tag(key, m)).isEqualTo(referenceTag(key, m));
  }

  @Provide
  Arbitrary<byte[]> longMessages() {
    // from below the vector form's minimum to many of its four-block steps, with a remainder
    return wholeBlocks(Arbitraries.integers().between(Poly1305.VECTOR_MIN / 16 - 2, 300));
  }

  /**
   * The vector form too, with the message in two runs (so that an accumulator carried in from
   * scalar blocks and out to them is covered), for keys and bytes at their bounds.
   */
  @Property(tries = 600)
  void vectorFormMatchesTheRfcDefinition(
      @ForAll("keys") byte[] key,
      @ForAll("longMessages") byte[] m,
      @ForAll @IntRange(max = 1000) int cutAt) {
    int cut = 16 * (cutAt % (m.length / 16 + 1));
    byte[] expected = referenceTag(key, m);
    assertThat(tag(new Poly1305(true), key, m, cut)).isEqualTo(expected);
    assertThat(tag(new Poly1305(false), key, m, cut)).isEqualTo(expected);
  }

  /** Noise-sized messages: both forms agree, one instance reused for message after message. */
  @Property(tries = 50)
  void vectorAndScalarFormsAgreeOnLongMessages(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Poly1305 vector = new Poly1305(true);
    Poly1305 scalar = new Poly1305(false);
    byte[] key = new byte[32];
    for (int i = 0; i < 20; i++) {
      random.nextBytes(key);
      byte[] m = new byte[16 * random.nextInt(4097)];
      random.nextBytes(m);
      int cut = 16 * random.nextInt(m.length / 16 + 1);
      assertThat(tag(vector, key, m, cut)).isEqualTo(tag(scalar, key, m, cut));
    }
  }

  /**
   * Where the vector form can run (x86-64, JDK 25+), the build's test JVM has the module it needs,
   * so the forms compared above really differ, and the process's choice is the vector form.
   */
  @Example
  void vectorFormRunsInTheTests() {
    String arch = System.getProperty("os.arch");
    Assume.that((arch.equals("amd64") || arch.equals("x86_64")) && Runtime.version().feature() >= 25);
    assertThat(Poly1305.whyNoVector()).isNull();
    assertThat(Poly1305.VECTOR).isTrue();
    assertThat(ChaChaPoly.Split.VECTOR_CHACHA).isEqualTo(ChaCha20Vector.widestIs256());
    assertThat(ChaChaPoly.Split.vectorChaChaFromProperty("JDK")).isFalse();
    assertThat(ChaChaPoly.Split.vectorChaChaFromProperty("fast")).isEqualTo(ChaChaPoly.Split.VECTOR_CHACHA);
    assertThat(Poly1305.vectorFromProperty("auto")).isTrue();
    assertThat(Poly1305.vectorFromProperty("Vector")).isTrue();
    assertThat(Poly1305.vectorFromProperty("scalar")).isFalse();
    // an unknown value is reported and the scalar form taken
    assertThat(Poly1305.vectorFromProperty("fast")).isFalse();
  }

  /**
   * Accumulators that end in [p, 2^130), which the final reduction must subtract p from: with r
   * = 1, two blocks of 2^128 - 1 give 2^130 - 2; with r = 1, s = 0 the tag is then 3.
   */
  @Example
  void finalReductionOfAnAccumulatorAtOrAboveP() {
    byte[] key = new byte[32];
    key[0] = 1;
    byte[] m = new byte[32];
    Arrays.fill(m, (byte) -1);
    byte[] expected = new byte[16];
    expected[0] = 3;
    assertThat(tag(key, m)).isEqualTo(expected).isEqualTo(referenceTag(key, m));
    for (int low = 0xf8; low <= 0xff; low++) { // sums around p - 1, p, p + 1, ...
      m[16] = (byte) low;
      assertThat(tag(key, m)).as("low byte %x", low).isEqualTo(referenceTag(key, m));
    }
  }

  /** The instance is reused: a second message starts from scratch. */
  @Example
  void reuseStartsAfresh() {
    byte[] key = new byte[32];
    new SplittableRandom(1).nextBytes(key);
    byte[] m = new byte[48];
    new SplittableRandom(2).nextBytes(m);
    Poly1305 p = new Poly1305();
    byte[] t1 = new byte[16];
    byte[] t2 = new byte[16];
    p.init(key, 0);
    p.blocks(m, 0, 48);
    p.finish(t1, 0);
    p.init(key, 0);
    p.blocks(m, 0, 16);
    p.blocks(m, 16, 32);
    p.finish(t2, 0);
    assertThat(t2).isEqualTo(t1).isEqualTo(referenceTag(key, m));
  }

  /** RFC 8439 section 2.8.2: the AEAD test vector. */
  @Example
  void rfc8439AeadVector() throws Exception {
    HexFormat hex = HexFormat.of();
    byte[] key = hex.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] nonce = hex.parseHex("070000004041424344454647");
    byte[] ad = hex.parseHex("50515253c0c1c2c3c4c5c6c7");
    byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for"
        + " the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    byte[] expectedTag = hex.parseHex("1ae10b594f09e26a7e902ecbd0600691");
    for (String form : new String[] {"split", "jdk"}) {
      ChaChaPoly c = ChaChaPoly.create(form);
      c.setKey(key);
      byte[] out = new byte[plain.length + 16];
      assertThat(c.encrypt(nonce, ad, plain, 0, plain.length, out, 0)).isEqualTo(out.length);
      assertThat(Arrays.copyOfRange(out, plain.length, out.length)).as(form).isEqualTo(expectedTag);
      assertThat(hex.formatHex(out, 0, 16)).as(form).isEqualTo("d31a8d34648e60db7b86afbc53ef7ec2");
      byte[] back = new byte[plain.length];
      assertThat(c.decrypt(nonce, ad, out, 0, out.length, back, 0)).isEqualTo(plain.length);
      assertThat(back).isEqualTo(plain);
    }
  }

  /** Both forms give the same bytes, in place or not, for any length and additional data. */
  @Property(tries = 300)
  void splitMatchesTheJdk(
      @ForAll @IntRange(max = 70_000) int len,
      @ForAll @Size(max = 40) byte[] ad,
      @ForAll long seed,
      @ForAll boolean inPlace,
      @ForAll boolean vectorPoly,
      @ForAll boolean vectorChaCha) throws Exception {
    ChaChaPoly split = new ChaChaPoly.Split(new Poly1305(vectorPoly), vectorChaCha);
    matchesTheJdk(split, new SplittableRandom(seed), len, ad, inPlace);
  }

  /**
   * The warm-up that lets the process's instances take the vector forms finishes in a JVM with
   * the optimizing compiler, and its thread then ends.
   */
  @Example
  void warmupOpensTheVectorFormsAndItsThreadEnds() {
    String arch = System.getProperty("os.arch");
    Assume.that((arch.equals("amd64") || arch.equals("x86_64")) && Runtime.version().feature() >= 25);
    Awaitility.await().atMost(Duration.ofSeconds(VectorWarmup.MAX_SECONDS)).pollInterval(Duration.ofMillis(20))
        .until(VectorWarmup::ready);
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals(VectorWarmup.THREAD_NAME)));
  }

  /**
   * Lengths at the vector ChaCha20's step boundaries (whole steps only, one byte short of and past
   * them, a full Noise frame), both ChaCha20 forms against the JDK's AEAD, with a key changed
   * between messages.
   */
  @Example
  void vectorChaChaAtItsStepBoundaries() throws Exception {
    int step = ChaCha20Vector.STEP;
    SplittableRandom random = new SplittableRandom(7);
    for (boolean vector : new boolean[] {true, false}) {
      ChaChaPoly split = new ChaChaPoly.Split(new Poly1305(vector), vector);
      for (int len : new int[] {0, 1, step - 1, step, step + 1, 2 * step, 65_535 - 16, 65_536, 128 * step + 64}) {
        matchesTheJdk(split, random, len, null, len % 2 == 0);
      }
    }
  }

  /**
   * Seals {@code len} random bytes with {@code split} and with the JDK's AEAD under a new random key
   * and nonce, compares, and opens them again, in place or not.
   */
  private static void matchesTheJdk(ChaChaPoly split, SplittableRandom random, int len, byte[] ad, boolean inPlace)
      throws Exception {
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    byte[] plain = new byte[len];
    random.nextBytes(key);
    random.nextBytes(nonce);
    random.nextBytes(plain);
    ChaChaPoly jdk = ChaChaPoly.create("jdk");
    jdk.setKey(key);
    split.setKey(key);
    byte[] expected = new byte[len + 16];
    jdk.encrypt(nonce, ad, plain, 0, len, expected, 0);
    byte[] actual = new byte[len + 16 + 3];
    int at = 3;
    if (inPlace) {
      System.arraycopy(plain, 0, actual, at, len);
      split.encrypt(nonce, ad, actual, at, len, actual, at);
    } else {
      split.encrypt(nonce, ad, plain, 0, len, actual, at);
    }
    assertThat(Arrays.copyOfRange(actual, at, at + len + 16)).as("%d bytes", len).isEqualTo(expected);
    if (inPlace) {
      split.decrypt(nonce, ad, actual, at, len + 16, actual, at);
      assertThat(Arrays.copyOfRange(actual, at, at + len)).isEqualTo(plain);
    } else {
      byte[] back = new byte[len];
      split.decrypt(nonce, ad, actual, at, len + 16, back, 0);
      assertThat(back).isEqualTo(plain);
    }
  }

  /** A changed byte anywhere (ciphertext, tag, additional data, nonce) is refused; nothing is written. */
  @Property(tries = 200)
  void tamperingIsRefused(
      @ForAll @IntRange(max = 2000) int len,
      @ForAll @IntRange(min = 0, max = 3) int what,
      @ForAll long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    byte[] ad = new byte[8];
    byte[] plain = new byte[len];
    random.nextBytes(key);
    random.nextBytes(nonce);
    random.nextBytes(ad);
    random.nextBytes(plain);
    ChaChaPoly c = ChaChaPoly.create("split");
    c.setKey(key);
    byte[] sealed = new byte[len + 16];
    c.encrypt(nonce, ad, plain, 0, len, sealed, 0);
    int bit = 1 << random.nextInt(8);
    switch (what) {
      case 0 -> sealed[random.nextInt(sealed.length)] ^= (byte) bit; // ciphertext or tag
      case 1 -> sealed[len + random.nextInt(16)] ^= (byte) bit; // the tag
      case 2 -> ad[random.nextInt(ad.length)] ^= (byte) bit;
      default -> nonce[random.nextInt(12)] ^= (byte) bit;
    }
    byte[] out = new byte[len];
    Arrays.fill(out, (byte) 0x5a);
    assertThatThrownBy(() -> c.decrypt(nonce, ad, sealed, 0, sealed.length, out, 0))
        .isInstanceOf(AEADBadTagException.class);
    byte[] untouched = new byte[len];
    Arrays.fill(untouched, (byte) 0x5a);
    assertThat(out).isEqualTo(untouched);
  }

  @Example
  void shorterThanATagIsRefused() {
    ChaChaPoly c = ChaChaPoly.create("split");
    c.setKey(new byte[32]);
    assertThatThrownBy(() -> c.decrypt(new byte[12], null, new byte[15], 0, 15, new byte[15], 0))
        .isInstanceOf(AEADBadTagException.class);
  }

  /** The automatic choice reads the first processor's flags. */
  @Example
  void choiceFollowsTheCpuFlags() {
    String avx2 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 bmi2 adx sha_ni\nbogomips\t: 1\n";
    String ifma = "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512ifma avx512vl avx512bw\n";
    String avxIfma = "processor\t: 0\nflags\t\t: fpu avx2 avx_ifma avx_vnni\n";
    assertThat(ChaChaPoly.hasIfma(ChaChaPoly.cpuFlags(avx2))).isFalse();
    assertThat(ChaChaPoly.hasIfma(ChaChaPoly.cpuFlags(ifma))).isTrue();
    assertThat(ChaChaPoly.hasIfma(ChaChaPoly.cpuFlags(avxIfma))).isTrue();
    assertThat(ChaChaPoly.cpuFlags("processor\t: 0\n")).isNull();
    assertThat(ChaChaPoly.choose("JDK")).isEqualTo("jdk");
    assertThat(ChaChaPoly.choose("split")).isEqualTo("split");
    assertThat(ChaChaPoly.choose("auto")).isIn("jdk", "split");
    assertThatThrownBy(() -> ChaChaPoly.choose("fast")).isInstanceOf(IllegalArgumentException.class);
    // a wrong system property is reported and the automatic choice taken, as for jlibp2p's others
    assertThat(ChaChaPoly.fromProperty("fast")).isEqualTo(ChaChaPoly.choose("auto"));
    assertThat(ChaChaPoly.fromProperty("jdk")).isEqualTo("jdk");
  }
}
