package io.jlibp2p.security.noise.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ChaCha20-Poly1305 AEAD of RFC 8439 for one {@link CipherState}, in one of two forms, chosen
 * once per process ({@link #IMPLEMENTATION}):
 *
 * <ul>
 *   <li>{@code jdk}: the JDK's {@code ChaCha20-Poly1305} cipher. Fastest where the JDK has its
 *       Poly1305 intrinsic (x86-64 with AVX-512 IFMA or AVX-IFMA).
 *   <li>{@code split}: the JDK's {@code ChaCha20} stream cipher (which the JDK accelerates with
 *       AVX2 too) or jlibp2p's {@link ChaCha20Vector}, and jlibp2p's {@link Poly1305}. Without
 *       that intrinsic the JDK computes Poly1305 in generic code, which on an AVX2 machine makes
 *       its AEAD several times slower than its ChaCha20 alone; this form avoids that.
 * </ul>
 *
 * Both produce the same bytes (tests compare them). The system property {@code
 * jlibp2p.chachaPoly} ({@code jdk}, {@code split} or {@code auto}, the default) overrides the
 * choice (an unknown value is logged and ignored); {@code auto} takes {@code split} on x86-64
 * Linux when {@code /proc/cpuinfo} shows neither AVX-512 IFMA (with VL and BW) nor AVX-IFMA, else
 * {@code jdk}.
 *
 * <p>Not thread-safe: one direction of one connection.
 */
abstract class ChaChaPoly {
  private static final int TAG_LENGTH = CipherState.TAG_LENGTH;
  private static final VarHandle LE32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** The form every new instance takes: {@code "jdk"} or {@code "split"}. */
  static final String IMPLEMENTATION = fromProperty(System.getProperty("jlibp2p.chachaPoly", "auto"));

  /** A new instance of the process's form. */
  static ChaChaPoly create() {
    return create(IMPLEMENTATION);
  }

  /** A new instance of the named form ({@code "jdk"} or {@code "split"}). */
  static ChaChaPoly create(String form) {
    return switch (form) {
      case "jdk" -> new Jdk();
      case "split" -> new Split();
      default -> throw new IllegalArgumentException("ChaCha20-Poly1305 form: " + form + " (expected: jdk or split)");
    };
  }

  /** The key, once set. */
  SecretKeySpec key;

  /** Sets the 32-byte key. */
  final void setKey(byte[] k) {
    key = new SecretKeySpec(k, "ChaCha20");
    keyChanged(k);
  }

  /** Called with every new key. */
  void keyChanged(byte[] k) {}

  /** The JDK's cipher {@code name}; it is part of every JDK since 11. */
  static Cipher cipher(String name) {
    try {
      return Cipher.getInstance(name);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " is not available in this JDK", e);
    }
  }

  /**
   * Encrypts {@code in[inOff, inOff + len)} into {@code out[outOff ..]} (the same array at the same
   * offset allowed), then appends the tag; returns {@code len + TAG_LENGTH}.
   */
  abstract int encrypt(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
      throws GeneralSecurityException;

  /**
   * Authenticates {@code in[inOff, inOff + len)} (ciphertext, then the tag) and decrypts it into
   * {@code out[outOff ..]} (the same array at the same offset allowed); returns {@code len -
   * TAG_LENGTH}.
   *
   * @throws AEADBadTagException if the tag does not match; {@code out} is then unchanged
   */
  abstract int decrypt(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
      throws GeneralSecurityException;

  /** {@link #choose} the property's form; an unknown value is reported and {@code auto} taken. */
  static String fromProperty(String setting) {
    try {
      return choose(setting);
    } catch (IllegalArgumentException e) {
      System.getLogger(ChaChaPoly.class.getName())
          .log(System.Logger.Level.WARNING, e.getMessage() + "; using auto");
      return choose("auto");
    }
  }

  static String choose(String setting) {
    return switch (setting.toLowerCase(Locale.ROOT)) {
      case "jdk" -> "jdk";
      case "split" -> "split";
      case "auto" -> jdkHasPoly1305Intrinsic() ? "jdk" : "split";
      default -> throw new IllegalArgumentException(
          "jlibp2p.chachaPoly: " + setting + " (expected: auto, jdk or split)");
    };
  }

  /** Whether this looks like a machine on which the JDK accelerates Poly1305 (see the class). */
  private static boolean jdkHasPoly1305Intrinsic() {
    String arch = System.getProperty("os.arch", "");
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return true; // not known here: keep the JDK's
    }
    String flags;
    try {
      flags = cpuFlags(Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      return true; // not Linux, or not readable: keep the JDK's
    }
    return flags == null || hasIfma(flags);
  }

  /** The {@code flags} line of the first processor in a {@code /proc/cpuinfo} text, or null. */
  static String cpuFlags(String cpuinfo) {
    for (String line : cpuinfo.split("\n")) {
      if (line.startsWith("flags")) {
        int colon = line.indexOf(':');
        return colon < 0 ? null : " " + line.substring(colon + 1).trim() + " ";
      }
    }
    return null;
  }

  /** Whether the flags name the instructions of the JDK's x86-64 Poly1305 intrinsic. */
  static boolean hasIfma(String flags) {
    return (flags.contains(" avx512ifma ") && flags.contains(" avx512vl ") && flags.contains(" avx512bw "))
        || flags.contains(" avx_ifma ");
  }

  /** The JDK's {@code ChaCha20-Poly1305}. */
  static final class Jdk extends ChaChaPoly {
    private final Cipher cipher = cipher("ChaCha20-Poly1305");

    @Override
    int encrypt(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
        throws GeneralSecurityException {
      init(Cipher.ENCRYPT_MODE, nonce, ad);
      return cipher.doFinal(in, inOff, len, out, outOff);
    }

    @Override
    int decrypt(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
        throws GeneralSecurityException {
      init(Cipher.DECRYPT_MODE, nonce, ad);
      return cipher.doFinal(in, inOff, len, out, outOff);
    }

    private void init(int mode, byte[] nonce, byte[] ad) throws GeneralSecurityException {
      cipher.init(mode, key, new IvParameterSpec(nonce));
      if (ad != null && ad.length > 0) {
        cipher.updateAAD(ad);
      }
    }
  }

  /**
   * ChaCha20 and jlibp2p's {@link Poly1305}, composed as RFC 8439 2.8 says. ChaCha20 is the JDK's,
   * or, where {@link #VECTOR_CHACHA} says, {@link ChaCha20Vector} for every whole 512 bytes and the
   * JDK's for the rest.
   */
  static final class Split extends ChaChaPoly {
    private static final byte[] ZEROS = new byte[64];

    /**
     * Whether new instances use {@link ChaCha20Vector}: where the vector Poly1305 runs ({@link
     * Poly1305#VECTOR}) and 256-bit vectors are the widest. {@code -Djlibp2p.chacha20=jdk} turns
     * it off.
     */
    static final boolean VECTOR_CHACHA =
        vectorChaChaFromProperty(System.getProperty("jlibp2p.chacha20", "auto"));

    /** {@code jdk}, or {@code auto} (an unknown value is logged and taken as {@code auto}). */
    static boolean vectorChaChaFromProperty(String setting) {
      if (setting.equalsIgnoreCase("jdk")) {
        return false;
      }
      if (!setting.equalsIgnoreCase("auto")) {
        System.getLogger(ChaChaPoly.class.getName()).log(System.Logger.Level.WARNING,
            "jlibp2p.chacha20: " + setting + " (expected: auto or jdk); using auto");
      }
      return Poly1305.VECTOR && ChaCha20Vector.widestIs256();
    }

    private final Cipher chacha = cipher("ChaCha20");
    private final Poly1305 poly;
    /** Keystream block 0: its first 32 bytes are the one-time Poly1305 key. */
    private final byte[] block0 = new byte[64];
    /** A zero-padded partial block, then the lengths block. */
    private final byte[] scratch = new byte[Poly1305.BLOCK];
    private final byte[] tag = new byte[TAG_LENGTH];
    /** {@link ChaCha20Vector}'s input state and key stream scratch; null for the JDK's alone. */
    private final int[] state;
    private final int[] keyStream;

    /** Whether {@link ChaCha20Vector} waits for {@link VectorWarmup#ready()}. */
    private final boolean afterWarmup;

    /** The process's forms, the vector ones once {@link VectorWarmup} says they run compiled. */
    Split() {
      this(new Poly1305(), VECTOR_CHACHA, true);
    }

    /** With the given Poly1305 and ChaCha20, from the start (tests choose their forms). */
    Split(Poly1305 poly, boolean vectorChaCha) {
      this(poly, vectorChaCha, false);
    }

    private Split(Poly1305 poly, boolean vectorChaCha, boolean afterWarmup) {
      this.poly = poly;
      this.afterWarmup = afterWarmup;
      this.state = vectorChaCha ? new int[16] : null;
      this.keyStream = vectorChaCha ? new int[ChaCha20Vector.SCRATCH] : null;
      if (vectorChaCha) {
        // "expand 32-byte k" (RFC 8439 2.3)
        state[0] = 0x61707865;
        state[1] = 0x3320646e;
        state[2] = 0x79622d32;
        state[3] = 0x6b206574;
      }
    }

    @Override
    void keyChanged(byte[] k) {
      if (state != null) {
        for (int i = 0; i < 8; i++) {
          state[4 + i] = (int) LE32.get(k, 4 * i);
        }
      }
    }

    @Override
    int encrypt(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
        throws GeneralSecurityException {
      start(nonce);
      stream(nonce, in, inOff, len, out, outOff);
      mac(ad, out, outOff, len, out, outOff + len);
      return len + TAG_LENGTH;
    }

    @Override
    int decrypt(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
        throws GeneralSecurityException {
      if (len < TAG_LENGTH) {
        throw new AEADBadTagException("ciphertext of " + len + " bytes is shorter than the tag");
      }
      int textLen = len - TAG_LENGTH;
      start(nonce);
      mac(ad, in, inOff, textLen, tag, 0);
      int diff = 0; // constant time: every byte compared
      for (int i = 0; i < TAG_LENGTH; i++) {
        diff |= tag[i] ^ in[inOff + textLen + i];
      }
      if (diff != 0) {
        throw new AEADBadTagException("Tag mismatch");
      }
      stream(nonce, in, inOff, textLen, out, outOff);
      return textLen;
    }

    /**
     * XORs the key stream from block 1 on into {@code in[inOff, inOff + len)}, writing {@code
     * out[outOff ..]}: whole 512-byte steps by {@link ChaCha20Vector} if this instance uses it,
     * then the rest by the JDK's cipher, which {@link #start} left at block 1 (and which then
     * starts again at the block after the steps).
     */
    private void stream(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff)
        throws GeneralSecurityException {
      int steps = state == null || len < ChaCha20Vector.STEP || (afterWarmup && !VectorWarmup.ready())
          ? 0
          : len - len % ChaCha20Vector.STEP;
      if (steps > 0) {
        state[12] = 1;
        state[13] = (int) LE32.get(nonce, 0);
        state[14] = (int) LE32.get(nonce, 4);
        state[15] = (int) LE32.get(nonce, 8);
        ChaCha20Vector.xor(state, keyStream, in, inOff, out, outOff, steps);
        if (steps == len) {
          return;
        }
        chacha.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce, 1 + steps / 64));
      }
      int n = chacha.doFinal(in, inOff + steps, len - steps, out, outOff + steps);
      if (n != len - steps) {
        throw new IllegalStateException("ChaCha20 wrote " + n + " of " + (len - steps) + " bytes");
      }
    }

    /**
     * Sets up the stream at block 0 and takes the one-time key from it: the data is then
     * encrypted from block 1 on. The stream cipher is used in decrypt mode, which is the same
     * operation and leaves nonce uniqueness to the caller (the Noise nonce counter).
     */
    private void start(byte[] nonce) throws GeneralSecurityException {
      chacha.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce, 0));
      int n = chacha.update(ZEROS, 0, 64, block0, 0);
      if (n != 64) {
        throw new IllegalStateException("ChaCha20 gave " + n + " bytes of key stream block 0");
      }
      poly.init(block0, 0);
      Arrays.fill(block0, (byte) 0);
    }

    /** The tag over {@code ad} and the ciphertext {@code c[off, off + len)}, into {@code dst}. */
    private void mac(byte[] ad, byte[] c, int off, int len, byte[] dst, int dstOff) {
      int adLen = ad == null ? 0 : ad.length;
      if (adLen > 0) {
        padded(ad, 0, adLen);
      }
      padded(c, off, len);
      Poly1305.putLe64(scratch, 0, adLen);
      Poly1305.putLe64(scratch, 8, len);
      poly.blocks(scratch, 0, Poly1305.BLOCK);
      poly.finish(dst, dstOff);
    }

    /** Absorbs {@code b[off, off + len)} zero-padded to a multiple of 16 bytes. */
    private void padded(byte[] b, int off, int len) {
      int whole = len & ~(Poly1305.BLOCK - 1);
      poly.blocks(b, off, whole);
      int rest = len - whole;
      if (rest > 0) {
        Arrays.fill(scratch, (byte) 0);
        System.arraycopy(b, off + whole, scratch, 0, rest);
        poly.blocks(scratch, 0, Poly1305.BLOCK);
      }
    }
  }
}
