package io.jlibp2p.security.noise.internal;

import static jdk.incubator.vector.VectorOperators.ROL;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The ChaCha20 stream cipher of RFC 8439 section 2.4, eight blocks at a time in the eight 32-bit
 * lanes of a 256-bit vector (the JDK's incubating Vector API), for {@link ChaChaPoly.Split}: lane
 * b computes block {@code counter + b}, each of the sixteen state words in a vector of its own, so
 * that the rounds need no shuffles. The key stream is then stored word by word, copied into block
 * order and XORed into the data.
 *
 * <p>Loaded only where {@link Poly1305Vector} runs and 256-bit vectors are the widest (on wider
 * ones the JDK's own ChaCha20 uses them all); not referenced otherwise.
 */
final class ChaCha20Vector {
  /** Bytes per step: eight 64-byte blocks. */
  static final int STEP = 512;

  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_256;
  private static final IntVector LANE = IntVector.fromArray(INTS, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 0);
  /** Scratch ints {@link #xor} needs: the key stream word by word, then block by block. */
  static final int SCRATCH = 256;

  private ChaCha20Vector() {}

  /** Whether 256-bit vectors are this JVM's widest. */
  static boolean widestIs256() {
    return IntVector.SPECIES_PREFERRED.vectorBitSize() == 256;
  }

  /**
   * XORs the key stream of {@code state} (the sixteen words of section 2.3, the block counter at
   * index 12) into {@code in[inOff, inOff + len)}, writing {@code out[outOff ..]} (the same place
   * allowed); {@code len} is a multiple of {@link #STEP}, {@code ks} {@link #SCRATCH} ints. The
   * state is left as it came.
   */
  static void xor(int[] state, int[] ks, byte[] in, int inOff, byte[] out, int outOff, int len) {
    IntVector s0 = IntVector.broadcast(INTS, state[0]);
    IntVector s1 = IntVector.broadcast(INTS, state[1]);
    IntVector s2 = IntVector.broadcast(INTS, state[2]);
    IntVector s3 = IntVector.broadcast(INTS, state[3]);
    IntVector s4 = IntVector.broadcast(INTS, state[4]);
    IntVector s5 = IntVector.broadcast(INTS, state[5]);
    IntVector s6 = IntVector.broadcast(INTS, state[6]);
    IntVector s7 = IntVector.broadcast(INTS, state[7]);
    IntVector s8 = IntVector.broadcast(INTS, state[8]);
    IntVector s9 = IntVector.broadcast(INTS, state[9]);
    IntVector s10 = IntVector.broadcast(INTS, state[10]);
    IntVector s11 = IntVector.broadcast(INTS, state[11]);
    IntVector s13 = IntVector.broadcast(INTS, state[13]);
    IntVector s14 = IntVector.broadcast(INTS, state[14]);
    IntVector s15 = IntVector.broadcast(INTS, state[15]);
    int counter = state[12];
    for (int end = inOff + len; inOff < end; inOff += STEP, outOff += STEP, counter += 8) {
      IntVector s12 = LANE.add(counter);
      IntVector x0 = s0;
      IntVector x1 = s1;
      IntVector x2 = s2;
      IntVector x3 = s3;
      IntVector x4 = s4;
      IntVector x5 = s5;
      IntVector x6 = s6;
      IntVector x7 = s7;
      IntVector x8 = s8;
      IntVector x9 = s9;
      IntVector x10 = s10;
      IntVector x11 = s11;
      IntVector x12 = s12;
      IntVector x13 = s13;
      IntVector x14 = s14;
      IntVector x15 = s15;
      for (int i = 0; i < 10; i++) {
        // a column round, then a diagonal round (section 2.3)
        x0 = x0.add(x4);
        x12 = x12.lanewise(XOR, x0).lanewise(ROL, 16);
        x8 = x8.add(x12);
        x4 = x4.lanewise(XOR, x8).lanewise(ROL, 12);
        x0 = x0.add(x4);
        x12 = x12.lanewise(XOR, x0).lanewise(ROL, 8);
        x8 = x8.add(x12);
        x4 = x4.lanewise(XOR, x8).lanewise(ROL, 7);
        x1 = x1.add(x5);
        x13 = x13.lanewise(XOR, x1).lanewise(ROL, 16);
        x9 = x9.add(x13);
        x5 = x5.lanewise(XOR, x9).lanewise(ROL, 12);
        x1 = x1.add(x5);
        x13 = x13.lanewise(XOR, x1).lanewise(ROL, 8);
        x9 = x9.add(x13);
        x5 = x5.lanewise(XOR, x9).lanewise(ROL, 7);
        x2 = x2.add(x6);
        x14 = x14.lanewise(XOR, x2).lanewise(ROL, 16);
        x10 = x10.add(x14);
        x6 = x6.lanewise(XOR, x10).lanewise(ROL, 12);
        x2 = x2.add(x6);
        x14 = x14.lanewise(XOR, x2).lanewise(ROL, 8);
        x10 = x10.add(x14);
        x6 = x6.lanewise(XOR, x10).lanewise(ROL, 7);
        x3 = x3.add(x7);
        x15 = x15.lanewise(XOR, x3).lanewise(ROL, 16);
        x11 = x11.add(x15);
        x7 = x7.lanewise(XOR, x11).lanewise(ROL, 12);
        x3 = x3.add(x7);
        x15 = x15.lanewise(XOR, x3).lanewise(ROL, 8);
        x11 = x11.add(x15);
        x7 = x7.lanewise(XOR, x11).lanewise(ROL, 7);
        x0 = x0.add(x5);
        x15 = x15.lanewise(XOR, x0).lanewise(ROL, 16);
        x10 = x10.add(x15);
        x5 = x5.lanewise(XOR, x10).lanewise(ROL, 12);
        x0 = x0.add(x5);
        x15 = x15.lanewise(XOR, x0).lanewise(ROL, 8);
        x10 = x10.add(x15);
        x5 = x5.lanewise(XOR, x10).lanewise(ROL, 7);
        x1 = x1.add(x6);
        x12 = x12.lanewise(XOR, x1).lanewise(ROL, 16);
        x11 = x11.add(x12);
        x6 = x6.lanewise(XOR, x11).lanewise(ROL, 12);
        x1 = x1.add(x6);
        x12 = x12.lanewise(XOR, x1).lanewise(ROL, 8);
        x11 = x11.add(x12);
        x6 = x6.lanewise(XOR, x11).lanewise(ROL, 7);
        x2 = x2.add(x7);
        x13 = x13.lanewise(XOR, x2).lanewise(ROL, 16);
        x8 = x8.add(x13);
        x7 = x7.lanewise(XOR, x8).lanewise(ROL, 12);
        x2 = x2.add(x7);
        x13 = x13.lanewise(XOR, x2).lanewise(ROL, 8);
        x8 = x8.add(x13);
        x7 = x7.lanewise(XOR, x8).lanewise(ROL, 7);
        x3 = x3.add(x4);
        x14 = x14.lanewise(XOR, x3).lanewise(ROL, 16);
        x9 = x9.add(x14);
        x4 = x4.lanewise(XOR, x9).lanewise(ROL, 12);
        x3 = x3.add(x4);
        x14 = x14.lanewise(XOR, x3).lanewise(ROL, 8);
        x9 = x9.add(x14);
        x4 = x4.lanewise(XOR, x9).lanewise(ROL, 7);
      }
      x0.add(s0).intoArray(ks, 0);
      x1.add(s1).intoArray(ks, 8);
      x2.add(s2).intoArray(ks, 16);
      x3.add(s3).intoArray(ks, 24);
      x4.add(s4).intoArray(ks, 32);
      x5.add(s5).intoArray(ks, 40);
      x6.add(s6).intoArray(ks, 48);
      x7.add(s7).intoArray(ks, 56);
      x8.add(s8).intoArray(ks, 64);
      x9.add(s9).intoArray(ks, 72);
      x10.add(s10).intoArray(ks, 80);
      x11.add(s11).intoArray(ks, 88);
      x12.add(s12).intoArray(ks, 96);
      x13.add(s13).intoArray(ks, 104);
      x14.add(s14).intoArray(ks, 112);
      x15.add(s15).intoArray(ks, 120);
      // block by block: plain copies (a vector gather checks every index it is given)
      for (int b = 0; b < 8; b++) {
        for (int w = 0; w < 16; w++) {
          ks[128 + 16 * b + w] = ks[8 * w + b];
        }
      }
      for (int b = 0; b < 8; b++) {
        int at = 64 * b;
        IntVector k0 = IntVector.fromArray(INTS, ks, 128 + 16 * b);
        IntVector k1 = IntVector.fromArray(INTS, ks, 128 + 16 * b + 8);
        ByteVector.fromArray(BYTES, in, inOff + at)
            .lanewise(XOR, k0.reinterpretAsBytes())
            .intoArray(out, outOff + at);
        ByteVector.fromArray(BYTES, in, inOff + at + 32)
            .lanewise(XOR, k1.reinterpretAsBytes())
            .intoArray(out, outOff + at + 32);
      }
    }
  }
}
