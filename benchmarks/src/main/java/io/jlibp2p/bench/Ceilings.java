package io.jlibp2p.bench;

import io.jlibp2p.internal.SocketStreams;
import io.jlibp2p.security.noise.internal.CipherState;
import io.jlibp2p.security.noise.internal.NoiseFrames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** What the machine can do at most, measured in the harness's own JVM. */
final class Ceilings {
  /** Frame size of the cipher measurements (Noise frames are at most 64 KiB). */
  static final int FRAME = 64 * 1024;

  /** Write size of the raw socket measurement. */
  static final int SOCKET_WRITE = 1024 * 1024;

  private Ceilings() {}

  /**
   * One TCP connection on loopback, a platform thread each side, 1 MiB writes: bytes per second,
   * timed from the first write to the reader's end of stream.
   */
  static double rawSocket(long warmup, long bytes) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socketRun(server, warmup);
      return bytes / socketRun(server, bytes);
    }
  }

  private static double socketRun(ServerSocket server, long bytes) throws Exception {
    return loopbackRun(server, bytes, "raw socket",
        out -> {
          byte[] buf = new byte[SOCKET_WRITE];
          for (long left = bytes; left > 0; left -= SOCKET_WRITE) {
            out.write(buf, 0, (int) Math.min(left, SOCKET_WRITE));
          }
        },
        in -> {
          byte[] buf = new byte[SOCKET_WRITE];
          long total = 0;
          int r;
          while ((r = in.read(buf)) >= 0) {
            total += r;
          }
          return total;
        });
  }

  /** The sending side of {@link #loopbackRun}. */
  @FunctionalInterface
  private interface Sender {
    void send(OutputStream out) throws Exception;
  }

  /** The receiving side of {@link #loopbackRun}: reads to the end of stream, returns the bytes it counts. */
  @FunctionalInterface
  private interface Receiver {
    long receive(InputStream in) throws Exception;
  }

  /**
   * One TCP connection on loopback: {@code sender} on the calling thread, {@code receiver} on a
   * platform thread of its own. The seconds from the sender's start to the receiver's end, which
   * must have counted {@code bytes}. The streams are the JDK's socket streams, or jlibp2p's ({@link
   * SocketStreams}) where {@code server} is a channel's socket.
   */
  private static double loopbackRun(ServerSocket server, long bytes, String what, Sender sender, Receiver receiver)
      throws Exception {
    boolean channels = server.getChannel() != null;
    CompletableFuture<Long> received = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> {
      try (Socket s = server.accept(); SocketStreams io = channels ? new SocketStreams(s) : null) {
        received.complete(receiver.receive(io != null ? io.in() : s.getInputStream()));
      } catch (Exception e) {
        received.completeExceptionally(e);
      }
    });
    try (Socket s = channels ? SocketChannel.open().socket() : new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      SocketStreams io = channels ? new SocketStreams(s) : null;
      long start = System.nanoTime();
      sender.send(io != null ? io.out() : s.getOutputStream());
      s.shutdownOutput();
      long got = received.join();
      if (got != bytes) {
        throw new IOException(what + ": " + got + " bytes arrived (expected " + bytes + ")");
      }
      return (System.nanoTime() - start) / 1e9; // closing the socket closes its SocketStreams
    }
  }

  /** Plaintext bytes of one TLS record (RFC 8446, 5.1: the most a record may carry). */
  static final int RECORD = 16 * 1024;

  /** TLS record header: content type, legacy version, length; the AEAD's additional data. */
  private static final int RECORD_HEADER = 5;

  /** Records sealed before each write. */
  private static final int RECORDS_PER_WRITE = 8;

  /** The AEAD tag. */
  private static final int TAG = 16;

  /** A full record on the wire: header, data, inner content type, tag. */
  private static final int RECORD_WIRE = RECORD_HEADER + RECORD + 1 + TAG;

  /** The content type of application data (RFC 8446, 5.1), outer and inner. */
  private static final byte APPLICATION_DATA = 23;

  /**
   * AES-128-GCM records as TLS 1.3 protects application data, over one TCP connection on loopback,
   * with no TLS engine: the calling thread seals records of 16 KiB of data (plus the inner content
   * type, the JDK's cipher, the record header as additional data, the record number as nonce) and
   * writes eight at a time; a platform thread reads them and opens each into a plaintext buffer.
   * Application bytes per second, from the first record sealed to the last opened. What a TLS stack
   * that protects each full record with the JDK's AES-GCM can move here at best: such a stack also
   * has its engine's state, a muxer and the application's reads to pay for.
   */
  static double aes128GcmRecords(long warmup, long bytes) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      recordRun(server, warmup);
      return bytes / recordRun(server, bytes);
    }
  }

  private static double recordRun(ServerSocket server, long bytes) throws Exception {
    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    return loopbackRun(server, bytes, "TLS records", out -> sealRecords(out, key, bytes), in -> openRecords(in, key));
  }

  /** Seals {@code bytes} of application data into records and writes them, eight at a time. */
  private static void sealRecords(OutputStream out, SecretKeySpec key, long bytes) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] plain = new byte[RECORD + 1];
    byte[] net = new byte[RECORDS_PER_WRITE * RECORD_WIRE];
    byte[] nonce = new byte[12];
    long seq = 0;
    for (long left = bytes; left > 0; ) {
      int p = 0;
      for (int r = 0; r < RECORDS_PER_WRITE && left > 0; r++, left -= RECORD) {
        int n = (int) Math.min(left, RECORD);
        plain[n] = APPLICATION_DATA; // the inner content type (RFC 8446, 5.2)
        int sealed = n + 1 + TAG;
        net[p] = APPLICATION_DATA;
        net[p + 1] = 3;
        net[p + 2] = 3;
        net[p + 3] = (byte) (sealed >>> 8);
        net[p + 4] = (byte) sealed;
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(nonce, seq++)));
        c.updateAAD(net, p, RECORD_HEADER);
        p += RECORD_HEADER + c.doFinal(plain, 0, n + 1, net, p + RECORD_HEADER);
      }
      out.write(net, 0, p);
    }
  }

  /** Reads and opens records until the end of stream; the application bytes. */
  private static long openRecords(InputStream in, SecretKeySpec key) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] buf = new byte[RECORDS_PER_WRITE * RECORD_WIRE];
    byte[] plain = new byte[RECORD + 1];
    byte[] nonce = new byte[12];
    long seq = 0;
    long total = 0;
    int pos = 0;
    int lim = 0;
    while (true) {
      int len = lim - pos >= RECORD_HEADER ? ((buf[pos + 3] & 0xFF) << 8) | (buf[pos + 4] & 0xFF) : -1;
      if (len > RECORD + 1 + TAG) {
        throw new IOException("TLS records: a record of " + len + " bytes");
      }
      if (len < 0 || lim - pos < RECORD_HEADER + len) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
        int r = in.read(buf, lim, buf.length - lim);
        if (r < 0) {
          if (lim > 0) {
            throw new IOException("TLS records: the stream ended inside a record");
          }
          return total;
        }
        lim += r;
        continue;
      }
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(nonce, seq++)));
      c.updateAAD(buf, pos, RECORD_HEADER);
      total += c.doFinal(buf, pos + RECORD_HEADER, len, plain, 0) - 1; // less the inner content type
      pos += RECORD_HEADER + len;
    }
  }

  /** {@code nonce} holding {@code seq} in its last eight bytes, big-endian (RFC 8446, 5.3, with a zero IV). */
  private static byte[] nonce(byte[] nonce, long seq) {
    for (int b = 0; b < 8; b++) {
      nonce[11 - b] = (byte) (seq >>> (8 * b));
    }
    return nonce;
  }

  /**
   * Noise transport messages as jlibp2p's Noise sends them, over one TCP connection on loopback,
   * with no Noise engine: the calling thread seals full frames (65,519 bytes of data, the two-byte
   * length prefix, ChaCha20-Poly1305 as jlibp2p's Noise computes it, the nonce counting up) and
   * writes each; a platform thread reads the length and the frame and opens it into a plaintext
   * buffer. Both ends use jlibp2p's socket I/O ({@link SocketStreams} on channel sockets), as
   * jlibp2p's TCP transport does. Application bytes per second, from the first frame sealed to the
   * last opened. What any Noise stack can move here at best with this cipher and this socket I/O:
   * such a stack also has its muxer and the application's reads to pay for.
   */
  static double noiseFrames(long warmup, long bytes) throws Exception {
    try (ServerSocketChannel channel = ServerSocketChannel.open()) {
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      ServerSocket server = channel.socket();
      frameRun(server, warmup);
      return bytes / frameRun(server, bytes);
    }
  }

  private static double frameRun(ServerSocket server, long bytes) throws Exception {
    byte[] key = new byte[32];
    return loopbackRun(server, bytes, "Noise frames",
        out -> sealFrames(out, CipherState.withKey(key), bytes), in -> openFrames(in, CipherState.withKey(key)));
  }

  /** Seals {@code bytes} of application data into full Noise frames and writes each. */
  private static void sealFrames(OutputStream out, CipherState cipher, long bytes) throws Exception {
    int header = NoiseFrames.LENGTH_PREFIX;
    byte[] plain = new byte[NoiseFrames.MAX_PLAINTEXT_LENGTH];
    byte[] net = new byte[header + NoiseFrames.MAX_FRAME_LENGTH];
    for (long left = bytes; left > 0; ) {
      int n = (int) Math.min(left, NoiseFrames.MAX_PLAINTEXT_LENGTH);
      int sealed = cipher.encryptWithAd(null, plain, 0, n, net, header);
      net[0] = (byte) (sealed >>> 8);
      net[1] = (byte) sealed;
      out.write(net, 0, header + sealed);
      left -= n;
    }
  }

  /**
   * Reads and opens Noise frames until the end of stream; the application bytes. Each read asks for
   * the rest of the current frame and the next length prefix, so that nothing is copied twice.
   */
  private static long openFrames(InputStream in, CipherState cipher) throws Exception {
    int header = NoiseFrames.LENGTH_PREFIX;
    byte[] buf = new byte[2 * header + NoiseFrames.MAX_FRAME_LENGTH];
    byte[] plain = new byte[NoiseFrames.MAX_PLAINTEXT_LENGTH];
    long total = 0;
    int lim = 0; // buf[0, lim) holds what was read of the current frame (and maybe the next prefix)
    int need = -1; // the current frame's length with its prefix, once its prefix is read
    while (true) {
      if (need < 0 && lim >= header) {
        int len = ((buf[0] & 0xFF) << 8) | (buf[1] & 0xFF);
        if (len < CipherState.TAG_LENGTH) {
          throw new IOException("Noise frames: a frame of " + len + " bytes");
        }
        need = header + len;
      }
      if (need >= 0 && lim >= need) {
        total += cipher.decryptWithAd(null, buf, header, need - header, plain, 0);
        System.arraycopy(buf, need, buf, 0, lim - need);
        lim -= need;
        need = -1;
        continue;
      }
      int r = in.read(buf, lim, (need < 0 ? header : need) + header - lim);
      if (r < 0) {
        if (lim > 0) {
          throw new IOException("Noise frames: the stream ended inside a frame");
        }
        return total;
      }
      lim += r;
    }
  }

  /** One core encrypting 64 KiB frames with ChaCha20-Poly1305, a fresh nonce each: bytes/s. */
  static double chacha20Poly1305(Duration warmup, Duration time) throws Exception {
    return cipher("ChaCha20-Poly1305", 32, warmup, time);
  }

  /**
   * One core encrypting 64 KiB frames with ChaCha20-Poly1305 as jlibp2p's Noise does ({@link
   * CipherState}, whose nonce counts up): bytes/s.
   */
  static double noiseChaCha20Poly1305(Duration warmup, Duration time) throws Exception {
    CipherState.awaitVectorForms(Duration.ofSeconds(60)); // the steady state, as the agents reach it
    CipherState c = CipherState.withKey(new byte[32]);
    byte[] in = new byte[FRAME];
    byte[] out = new byte[FRAME + CipherState.TAG_LENGTH];
    return framesPerSecond(() -> c.encryptWithAd(null, in, 0, in.length, out, 0), warmup, time) * FRAME;
  }

  /** One core encrypting 64 KiB frames with AES-256-GCM, a fresh nonce each: bytes/s. */
  static double aes256Gcm(Duration warmup, Duration time) throws Exception {
    return cipher("AES/GCM/NoPadding", 32, warmup, time);
  }

  /**
   * One core encrypting 64 KiB frames with AES-128-GCM, a fresh nonce each: bytes/s. This is the
   * cipher of TLS_AES_128_GCM_SHA256, the suite jlibp2p's TLS prefers and two jlibp2p peers agree on.
   */
  static double aes128Gcm(Duration warmup, Duration time) throws Exception {
    return cipher("AES/GCM/NoPadding", 16, warmup, time);
  }

  private static double cipher(String name, int keyBytes, Duration warmup, Duration time) throws Exception {
    Cipher c = Cipher.getInstance(name);
    boolean aes = name.startsWith("AES");
    SecretKeySpec key = new SecretKeySpec(new byte[keyBytes], aes ? "AES" : "ChaCha20");
    byte[] in = new byte[FRAME];
    byte[] out = new byte[FRAME + 16];
    byte[] nonce = new byte[12];
    long[] counter = {0};
    Frame frame = () -> {
      nonce(nonce, counter[0]++);
      if (aes) {
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      } else {
        c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
      }
      c.doFinal(in, 0, in.length, out, 0);
    };
    return framesPerSecond(frame, warmup, time) * FRAME;
  }

  /** Encrypts one frame, a fresh nonce each time. */
  @FunctionalInterface
  private interface Frame {
    void encrypt() throws Exception;
  }

  /** Frames per second of {@code frame} over {@code time}, after {@code warmup} of the same. */
  private static double framesPerSecond(Frame frame, Duration warmup, Duration time) throws Exception {
    repeatFor(frame, warmup.toNanos());
    long start = System.nanoTime();
    long frames = repeatFor(frame, time.toNanos());
    return frames / ((System.nanoTime() - start) / 1e9);
  }

  /** Encrypts frames, checking the clock every 16, for {@code nanos}; how many. */
  private static long repeatFor(Frame frame, long nanos) throws Exception {
    long end = System.nanoTime() + nanos;
    long frames = 0;
    while (System.nanoTime() < end) {
      for (int k = 0; k < 16; k++) {
        frame.encrypt();
        frames++;
      }
    }
    return frames;
  }
}
