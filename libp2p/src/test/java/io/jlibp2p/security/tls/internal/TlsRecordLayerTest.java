package io.jlibp2p.security.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.testing.SocketPair;
import io.jlibp2p.security.tls.TlsTransport;
import io.jlibp2p.security.tls.internal.TlsRecordLayer.AlertException;
import io.jlibp2p.security.tls.internal.TlsRecordLayer.EndOfHandshakeException;
import io.jlibp2p.spi.SecureConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TLS 1.3 record layer on its own: two layers over loopback sockets with keys set by the test
 * (no handshake), records injected and inspected raw with ciphers that mirror a layer's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsRecordLayerTest {
  private static final long TIMEOUT_SECONDS = 10;
  private static final int HEADER = TlsRecordCipher.HEADER_LENGTH;
  private static final int TAG = TlsRecordCipher.TAG_LENGTH;
  private static final byte SENTINEL = (byte) 0xA5;

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    executor.shutdownNow();
  }

  private <T> Future<T> async(Callable<T> task) {
    return executor.submit(task);
  }

  /** The task's result; a task still running after the timeout fails the test. */
  private static <T> T await(Future<T> f) throws Exception {
    return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** What the task threw; a task that succeeds, or still runs after the timeout, fails the test. */
  private static Throwable failureOf(Future<?> f) throws Exception {
    Object result;
    try {
      result = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("expected a failure, the task returned " + result);
  }

  // ---- two layers with matching keys ----

  /** Layer {@code a} on the dialer, {@code b} on the listener, each direction under its secret. */
  private final class Link implements AutoCloseable {
    final TlsSuite suite;
    final SocketPair pair;
    final byte[] secretAB;
    final byte[] secretBA;
    final TlsRecordLayer a;
    final TlsRecordLayer b;

    Link(TlsSuite suite, long keyUpdateRecordsA, long seed) throws IOException {
      this.suite = suite;
      Random r = new Random(seed);
      secretAB = new byte[suite.hashLength];
      secretBA = new byte[suite.hashLength];
      r.nextBytes(secretAB);
      r.nextBytes(secretBA);
      pair = new SocketPair();
      toClose.add(this);
      a = new TlsRecordLayer(pair.dialer, keyUpdateRecordsA);
      b = new TlsRecordLayer(pair.listener, TlsRecordLayer.KEY_UPDATE_RECORDS);
      a.setWriteCipher(new TlsRecordCipher(suite, secretAB));
      a.setReadCipher(new TlsRecordCipher(suite, secretBA));
      b.setWriteCipher(new TlsRecordCipher(suite, secretBA));
      b.setReadCipher(new TlsRecordCipher(suite, secretAB));
      a.handshakeDone();
      b.handshakeDone();
    }

    Link(TlsSuite suite) throws IOException {
      this(suite, TlsRecordLayer.KEY_UPDATE_RECORDS, 1);
    }

    /** Seals as {@code a} does: its records are accepted by {@code b}. */
    TlsRecordCipher asA() {
      return new TlsRecordCipher(suite, secretAB.clone());
    }

    /** Opens what {@code b} sends. */
    TlsRecordCipher fromB() {
      return new TlsRecordCipher(suite, secretBA.clone());
    }

    /** Raw bytes to {@code b}, as if {@code a} had sent them. */
    void inject(byte[]... parts) throws IOException {
      OutputStream out = pair.dialer.out();
      out.write(concat(parts));
      out.flush();
    }

    @Override
    public void close() {
      pair.close();
    }
  }

  // ---- records by hand ----

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A protected record: content, then the inner content type. */
  private static byte[] seal(TlsRecordCipher cipher, int type, byte[] content) {
    byte[] record = new byte[HEADER + content.length + 1 + TAG];
    assertThat(cipher.seal((byte) type, content, 0, content.length, record, 0)).isEqualTo(record.length);
    return record;
  }

  /** A protected record whose inner plaintext is content, type and {@code padding} zeros. */
  private static byte[] sealPadded(TlsRecordCipher cipher, int type, byte[] content, int padding) {
    if (padding == 0) {
      return seal(cipher, type, content);
    }
    byte[] inner = Arrays.copyOf(content, content.length + padding);
    inner[content.length] = (byte) type;
    return seal(cipher, 0, inner); // the cipher adds the last zero
  }

  /** An unprotected record. */
  private static byte[] plain(int type, byte[] body) {
    return concat(bytes(type, 3, 3, body.length >>> 8, body.length), body);
  }

  /** One record, read raw. */
  private static byte[] readRecord(InputStream in) throws IOException {
    byte[] header = in.readNBytes(HEADER);
    if (header.length < HEADER) {
      throw new EOFException("no record header: " + header.length + " bytes");
    }
    int length = (header[3] & 0xff) << 8 | header[4] & 0xff;
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new EOFException("record of " + length + " bytes ends after " + body.length);
    }
    return concat(header, body);
  }

  /** The inner plaintext of a protected record, without padding. */
  private record Inner(int type, byte[] content) {}

  private static Inner open(TlsRecordCipher cipher, byte[] record) throws AEADBadTagException {
    assertThat(record[0]).as("outer content type").isEqualTo(TlsRecordLayer.APPLICATION_DATA);
    assertThat(record.length).isGreaterThan(HEADER + TAG);
    byte[] inner = new byte[record.length - HEADER - TAG];
    assertThat(cipher.open(record, 0, record.length - HEADER, inner, 0)).isEqualTo(inner.length);
    int end = inner.length - 1;
    while (end >= 0 && inner[end] == 0) {
      end--;
    }
    assertThat(end).as("inner content type present").isGreaterThanOrEqualTo(0);
    return new Inner(inner[end], Arrays.copyOf(inner, end));
  }

  /** Everything until the end of the stream (or a reset, which ends it too). */
  private static byte[] readUntilEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketException e) {
      // a reset ends the connection as well
    }
    return out.toByteArray();
  }

  // ---- random traffic ----

  private static int chunk(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> 1 + r.nextInt(16);
      case 1 -> 1 + r.nextInt(5000);
      case 2 -> 1 + r.nextInt(40_000);
      case 3 -> TlsRecordLayer.MAX_RECORD_PLAINTEXT * (1 + r.nextInt(3));
      default -> TlsRecordLayer.MAX_RECORD_PLAINTEXT + 1 + r.nextInt(2);
    };
  }

  /** Writes {@code data} as messages of {@code sizes}, each in random pieces, flushed at its end. */
  private static Callable<Void> writer(OutputStream out, byte[] data, int[] sizes, long seed) {
    return () -> {
      Random r = new Random(seed);
      int pos = 0;
      for (int size : sizes) {
        int end = pos + size;
        while (pos < end) {
          int n = Math.min(end - pos, chunk(r));
          if (n == 1 && r.nextBoolean()) {
            out.write(data[pos]);
          } else {
            out.write(data, pos, n);
          }
          pos += n;
          if (r.nextInt(8) == 0) {
            out.flush();
          }
        }
        out.flush();
      }
      return null;
    };
  }

  /** Reads {@code total} bytes with reads of random sizes at random offsets of a larger array. */
  private static Callable<byte[]> reader(InputStream in, int total, long seed) {
    return () -> {
      Random r = new Random(seed);
      byte[] got = new byte[total];
      byte[] buf = new byte[80_000];
      int pos = 0;
      while (pos < total) {
        int len = Math.min(buf.length, chunk(r));
        int off = r.nextInt(buf.length - len + 1);
        int n;
        if (len == 1 && r.nextBoolean()) {
          int c = in.read();
          n = c < 0 ? -1 : 1;
          buf[off] = (byte) c;
        } else {
          n = in.read(buf, off, len);
        }
        if (n < 0) {
          throw new EOFException("end of stream after " + pos + " of " + total + " bytes");
        }
        if (n == 0 || n > total - pos || n > len) {
          throw new AssertionError("read of " + len + " returned " + n + " at " + pos + " of " + total);
        }
        System.arraycopy(buf, off, got, pos, n);
        pos += n;
      }
      return got;
    };
  }

  private static int[] roundTripSizes(Random r) {
    int[] fixed = {
      0, 1, 2, 15, 16, 17, 255, 4095, 4096, 4097, 16383, 16384, 16385, 16401, 32767, 32768, 49153,
      65535, 65536, 70_000
    };
    int[] sizes = Arrays.copyOf(fixed, fixed.length + 12);
    for (int i = fixed.length; i < sizes.length; i++) {
      sizes[i] = r.nextInt(70_001);
    }
    // shuffle, so that large and small messages follow each other
    for (int i = sizes.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = sizes[i];
      sizes[i] = sizes[j];
      sizes[j] = t;
    }
    return sizes;
  }

  // ---- 1. round trips ----

  @ParameterizedTest
  @EnumSource(TlsSuite.class)
  void dataOfManySizesArrivesIntactInBothDirectionsAtOnce(TlsSuite suite) throws Exception {
    Link link = new Link(suite, TlsRecordLayer.KEY_UPDATE_RECORDS, 10 + suite.ordinal());
    Random r = new Random(100 + suite.ordinal());
    int[] sizesAB = roundTripSizes(r);
    int[] sizesBA = roundTripSizes(r);
    int totalAB = Arrays.stream(sizesAB).sum();
    int totalBA = Arrays.stream(sizesBA).sum();
    byte[] ab = random(totalAB, r.nextLong());
    byte[] ba = random(totalBA, r.nextLong());

    Future<byte[]> atB = async(reader(link.b.in(), totalAB, r.nextLong()));
    Future<byte[]> atA = async(reader(link.a.in(), totalBA, r.nextLong()));
    Future<Void> fromA = async(writer(link.a.out(), ab, sizesAB, r.nextLong()));
    Future<Void> fromB = async(writer(link.b.out(), ba, sizesBA, r.nextLong()));
    await(fromA);
    await(fromB);
    assertThat(await(atB)).isEqualTo(ab);
    assertThat(await(atA)).isEqualTo(ba);

    // close_notify from a: b's input ends, and stays ended
    link.a.out().close();
    assertThat(await(async(() -> link.b.in().read(new byte[10])))).isEqualTo(-1);
    assertThat(link.b.in().read()).isEqualTo(-1);
    assertThat(link.b.in().available()).isZero();
  }

  @Test
  void availableCountsDecryptedBytesNotYetRead() throws Exception {
    Link link = new Link(TlsSuite.AES_128_GCM_SHA256);
    assertThat(link.b.in().available()).isZero();
    byte[] data = random(TlsRecordLayer.MAX_RECORD_PLAINTEXT, 3);
    link.a.out().write(data);
    link.a.out().flush();
    assertThat(await(async(() -> link.b.in().read()))).isEqualTo(data[0] & 0xff);
    assertThat(link.b.in().available()).isEqualTo(data.length - 1);
    byte[] rest = await(async(() -> link.b.in().readNBytes(data.length - 1)));
    assertThat(rest).isEqualTo(Arrays.copyOfRange(data, 1, data.length));
    assertThat(link.b.in().available()).isZero();
  }

  // ---- 2. key updates ----

  @ParameterizedTest
  @EnumSource(TlsSuite.class)
  void aWriterSendsAKeyUpdateAfterEveryThreeRecords(TlsSuite suite) throws Exception {
    Link link = new Link(suite, 3, 20 + suite.ordinal());
    int records = 10;
    byte[] data = random(records * TlsRecordLayer.MAX_RECORD_PLAINTEXT, 21);
    link.a.out().write(data);
    link.a.out().flush();

    TlsRecordCipher mirror = link.asA();
    InputStream raw = link.pair.listener.in();
    StringBuilder pattern = new StringBuilder();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    await(async(() -> {
      for (int dataRecords = 0; dataRecords < records; ) {
        Inner inner = open(mirror, readRecord(raw));
        if (inner.type() == TlsRecordLayer.HANDSHAKE) {
          assertThat(inner.content()).isEqualTo(bytes(24, 0, 0, 1, 0));
          mirror.update();
          pattern.append('K');
        } else {
          assertThat(inner.type()).isEqualTo(TlsRecordLayer.APPLICATION_DATA);
          received.writeBytes(inner.content());
          dataRecords++;
          pattern.append('D');
        }
      }
      return null;
    }));
    assertThat(pattern).hasToString("DDDKDDDKDDDKD");
    assertThat(received.toByteArray()).isEqualTo(data);
  }

  @ParameterizedTest
  @EnumSource(TlsSuite.class)
  void aReaderFollowsTheWritersKeyUpdates(TlsSuite suite) throws Exception {
    Link link = new Link(suite, 3, 30 + suite.ordinal());
    int total = 100 * TlsRecordLayer.MAX_RECORD_PLAINTEXT + 777;
    byte[] data = random(total, 31);
    Future<byte[]> atB = async(reader(link.b.in(), total, 32));
    await(async(writer(link.a.out(), data, new int[] {total}, 33)));
    assertThat(await(atB)).isEqualTo(data);

    // and the other way, while a keeps its key schedule going
    Future<byte[]> atA = async(reader(link.a.in(), 1000, 34));
    byte[] back = random(1000, 35);
    link.b.out().write(back);
    link.b.out().flush();
    assertThat(await(atA)).isEqualTo(back);
    link.a.out().write(data, 0, 5 * TlsRecordLayer.MAX_RECORD_PLAINTEXT);
    link.a.out().flush();
    assertThat(await(async(() -> link.b.in().readNBytes(5 * TlsRecordLayer.MAX_RECORD_PLAINTEXT))))
        .isEqualTo(Arrays.copyOf(data, 5 * TlsRecordLayer.MAX_RECORD_PLAINTEXT));
  }

  @ParameterizedTest
  @EnumSource(TlsSuite.class)
  void aRequestedKeyUpdateIsAnsweredBeforeFurtherData(TlsSuite suite) throws Exception {
    Link link = new Link(suite, TlsRecordLayer.KEY_UPDATE_RECORDS, 40 + suite.ordinal());
    // b has sealed a record it has not sent yet, and holds more plaintext unsealed
    byte[] pending = random(TlsRecordLayer.MAX_RECORD_PLAINTEXT, 41);
    link.b.out().write(pending);
    link.b.out().write(ascii("unsealed"));

    TlsRecordCipher asA = link.asA();
    byte[] request = seal(asA, TlsRecordLayer.HANDSHAKE, bytes(24, 0, 0, 1, 1));
    asA.update();
    link.inject(request, seal(asA, TlsRecordLayer.APPLICATION_DATA, ascii("hello")));
    byte[] buf = new byte[100];
    int n = await(async(() -> link.b.in().read(buf)));
    assertThat(Arrays.copyOf(buf, n)).isEqualTo(ascii("hello"));

    // b's reader does not write: b answers before the next application data it sends (RFC 8446,
    // 4.6.3), after the record it had already sealed
    link.b.out().write(ascii(" and after"));
    link.b.out().flush();
    TlsRecordCipher fromB = link.fromB();
    InputStream raw = link.pair.dialer.in();
    Inner first = open(fromB, await(async(() -> readRecord(raw))));
    assertThat(first.type()).isEqualTo(TlsRecordLayer.APPLICATION_DATA);
    assertThat(first.content()).isEqualTo(pending);
    Inner answer = open(fromB, await(async(() -> readRecord(raw))));
    assertThat(answer.type()).isEqualTo(TlsRecordLayer.HANDSHAKE);
    assertThat(answer.content()).isEqualTo(bytes(24, 0, 0, 1, 0));

    fromB.update();
    Inner after = open(fromB, await(async(() -> readRecord(raw))));
    assertThat(after.type()).isEqualTo(TlsRecordLayer.APPLICATION_DATA);
    assertThat(after.content()).isEqualTo(ascii("unsealed and after"));

    // a key update that is not requested is not answered
    link.inject(seal(asA, TlsRecordLayer.HANDSHAKE, bytes(24, 0, 0, 1, 0)));
    asA.update();
    link.inject(seal(asA, TlsRecordLayer.APPLICATION_DATA, ascii("again")));
    n = await(async(() -> link.b.in().read(buf)));
    assertThat(Arrays.copyOf(buf, n)).isEqualTo(ascii("again"));
    link.b.out().write(ascii("no update"));
    link.b.out().flush();
    Inner last = open(fromB, await(async(() -> readRecord(raw))));
    assertThat(last.type()).isEqualTo(TlsRecordLayer.APPLICATION_DATA);
    assertThat(last.content()).isEqualTo(ascii("no update"));
  }

  @Test
  void sessionTicketsAndEmptyRecordsAreSkipped() throws Exception {
    Link link = new Link(TlsSuite.CHACHA20_POLY1305_SHA256);
    TlsRecordCipher asA = link.asA();
    byte[] ticket = concat(bytes(4, 0, 0, 8), random(8, 50));
    link.inject(
        seal(asA, TlsRecordLayer.APPLICATION_DATA, new byte[0]),
        // a ticket split over two records
        seal(asA, TlsRecordLayer.HANDSHAKE, Arrays.copyOf(ticket, 3)),
        seal(asA, TlsRecordLayer.HANDSHAKE, Arrays.copyOfRange(ticket, 3, ticket.length)),
        sealPadded(asA, TlsRecordLayer.APPLICATION_DATA, ascii("data"), 200));
    byte[] buf = new byte[100];
    int n = await(async(() -> link.b.in().read(buf)));
    assertThat(Arrays.copyOf(buf, n)).isEqualTo(ascii("data"));
  }

  // ---- 3. hostile input after the handshake ----

  /** Builds hostile bytes, given a cipher that seals as the peer does next. */
  @FunctionalInterface
  private interface Hostile {
    byte[] build(TlsRecordCipher asA) throws Exception;
  }

  private static byte[] flip(byte[] record, int index) {
    byte[] b = record.clone();
    b[index] ^= 0x10;
    return b;
  }

  static Stream<Arguments> hostileInput() {
    int overflow = TlsRecordLayer.MAX_RECORD_CIPHERTEXT + 1;
    return Stream.of(
        hostile("flipped bit in the ciphertext", c -> flip(seal(c, 23, random(100, 1)), HEADER + 10), 20, false),
        hostile("flipped bit in the tag", c -> {
          byte[] r = seal(c, 23, random(100, 2));
          return flip(r, r.length - 1);
        }, 20, false),
        hostile("flipped bit in the header's version", c -> flip(seal(c, 23, random(100, 3)), 2), 20, false),
        hostile("flipped bit in a large record", c -> flip(seal(c, 23, random(9000, 4)), 5000), 20, false),
        hostile("flipped bit in a full record", c -> flip(seal(c, 23, random(16384, 4)), 16000), 20, false),
        hostile("a record after a lost one", c -> {
          seal(c, 23, ascii("lost"));
          return seal(c, 23, ascii("next"));
        }, 20, false),
        hostile("record of 2^14+257 bytes", c -> bytes(23, 3, 3, overflow >>> 8, overflow), 22, false),
        hostile("record of 65535 bytes", c -> bytes(23, 3, 3, 0xff, 0xff), 22, false),
        hostile("protected record of 2^14+1 bytes of content", c -> seal(c, 23, random(16385, 7)), 22, false),
        hostile("HTTP request", c -> ascii("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), 10, false),
        hostile("record type 0", c -> bytes(0, 3, 3, 0, 1, 0), 10, false),
        hostile("record type 24", c -> bytes(24, 3, 3, 0, 1, 0), 10, false),
        hostile("record version 19.3", c -> flip(seal(c, 23, random(10, 5)), 1), 10, false),
        hostile("unprotected change_cipher_spec", c -> plain(20, bytes(1)), 10, false),
        hostile("unprotected alert", c -> plain(21, bytes(2, 40)), 10, false),
        hostile("unprotected handshake", c -> plain(22, bytes(24, 0, 0, 1, 0)), 10, false),
        hostile("protected record of 0 bytes", c -> bytes(23, 3, 3, 0, 0), 50, false),
        hostile("protected record of 1 byte", c -> bytes(23, 3, 3, 0, 1, 7), 50, false),
        hostile("protected record of 16 bytes", c -> plain(23, random(16, 6)), 50, false),
        hostile("only padding", c -> seal(c, 0, new byte[0]), 10, false),
        hostile("only padding, 100 bytes", c -> seal(c, 0, new byte[100]), 10, false),
        hostile("only padding, 9000 bytes", c -> seal(c, 0, new byte[9000]), 10, false),
        hostile("inner type change_cipher_spec", c -> seal(c, 20, bytes(1)), 10, false),
        hostile("inner type 99", c -> seal(c, 99, ascii("x")), 10, false),
        hostile("inner type 0x80, large", c -> seal(c, 0x80, random(8000, 7)), 10, false),
        hostile("empty handshake record", c -> seal(c, 22, new byte[0]), 10, false),
        hostile("ClientHello after the handshake", c -> seal(c, 22, bytes(1, 0, 0, 0)), 10, false),
        hostile("KeyUpdate with request_update 2", c -> seal(c, 22, bytes(24, 0, 0, 1, 2)), 47, false),
        hostile("KeyUpdate of 2 bytes", c -> seal(c, 22, bytes(24, 0, 0, 2, 0, 0)), 50, false),
        hostile("KeyUpdate with a message after it", c -> seal(c, 22, bytes(24, 0, 0, 1, 0, 4, 0)), 10, false),
        hostile("handshake message of 16 MiB", c -> seal(c, 22, bytes(4, 0xff, 0xff, 0xff)), 10, false),
        hostile("alert of 3 bytes", c -> seal(c, 21, bytes(2, 40, 0)), 50, false),
        hostile("alert of 1 byte", c -> seal(c, 21, bytes(2)), 50, false),
        hostile("stream ends inside a record", c -> Arrays.copyOf(seal(c, 23, random(1000, 8)), 600), 50, true),
        hostile("stream ends inside a large record", c -> Arrays.copyOf(seal(c, 23, random(16384, 9)), 16000), 50, true),
        hostile("stream ends after a header", c -> bytes(23, 3, 3, 0, 100), 50, true),
        hostile("stream ends inside a header", c -> bytes(23, 3), 50, true));
  }

  private static Arguments hostile(String name, Hostile hostile, int alert, boolean endStream) {
    return Arguments.of(name, hostile, alert, endStream);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileInput")
  void hostileInputFailsTheReadClosesTheConnectionAndSendsTheAlert(
      String name, Hostile hostile, int alert, boolean endStream) throws Exception {
    for (int readSize : new int[] {100, 40_000}) {
      Link link = new Link(TlsSuite.AES_128_GCM_SHA256, TlsRecordLayer.KEY_UPDATE_RECORDS, 60);
      Throwable t = assertReadFails(link, readSize, hostile, endStream, alert);
      assertThat(t).as("read of %d", readSize).isInstanceOf(AlertException.class);
      assertThat(((AlertException) t).alert()).isEqualTo(alert);
      assertThat(((AlertException) t).received()).isFalse();
      link.close();
    }
  }

  @ParameterizedTest
  @EnumSource(TlsSuite.class)
  void aFlippedBitFailsWithEverySuite(TlsSuite suite) throws Exception {
    Link link = new Link(suite, TlsRecordLayer.KEY_UPDATE_RECORDS, 61);
    Throwable t = assertReadFails(link, 100, c -> flip(seal(c, 23, random(50, 62)), HEADER + 3), false, 20);
    assertThat(t).isInstanceOf(AlertException.class).hasMessageContaining("authentication");
  }

  @Test
  void aFatalAlertFromThePeerFailsTheReadNamingTheAlert() throws Exception {
    Link link = new Link(TlsSuite.AES_256_GCM_SHA384);
    Throwable t = assertReadFails(link, 100, c -> seal(c, TlsRecordLayer.ALERT, bytes(2, 40)), false, -1);
    assertThat(t).isInstanceOf(AlertException.class).hasMessageContaining("handshake_failure");
    assertThat(((AlertException) t).received()).isTrue();
    assertThat(((AlertException) t).alert()).isEqualTo(40);
  }

  @Test
  void closeNotifyEndsTheInputButNotTheOutput() throws Exception {
    Link link = new Link(TlsSuite.AES_128_GCM_SHA256);
    TlsRecordCipher asA = link.asA();
    link.inject(
        seal(asA, TlsRecordLayer.APPLICATION_DATA, ascii("last words")),
        seal(asA, TlsRecordLayer.ALERT, bytes(1, 0)),
        seal(asA, TlsRecordLayer.APPLICATION_DATA, ascii("ignored")));
    assertThat(await(async(() -> link.b.in().readAllBytes()))).isEqualTo(ascii("last words"));
    assertThat(link.b.in().read()).isEqualTo(-1);
    assertThat(link.b.in().read(new byte[20_000], 0, 20_000)).isEqualTo(-1);
    assertThat(link.pair.listener.isClosed()).isFalse();

    // the other direction stays open
    link.b.out().write(ascii("reply"));
    link.b.out().flush();
    Inner reply = open(link.fromB(), await(async(() -> readRecord(link.pair.dialer.in()))));
    assertThat(reply.content()).isEqualTo(ascii("reply"));
  }

  @Test
  void theEndOfTheStreamBetweenRecordsEndsTheInput() throws Exception {
    Link link = new Link(TlsSuite.AES_128_GCM_SHA256);
    link.inject(seal(link.asA(), TlsRecordLayer.APPLICATION_DATA, ascii("bye")));
    link.pair.dialer.socketShutdownOutput();
    assertThat(await(async(() -> link.b.in().readAllBytes()))).isEqualTo(ascii("bye"));
    assertThat(link.b.in().read()).isEqualTo(-1);
  }

  /**
   * After one good record, injects the hostile bytes; b's read must fail with an IOException, the
   * same again on the next read, close the raw connection, refuse further writes and have sent
   * exactly the alert {@code alert} (nothing when -1).
   */
  private Throwable assertReadFails(Link link, int readSize, Hostile hostile, boolean endStream, int alert)
      throws Exception {
    TlsRecordCipher asA = link.asA();
    link.inject(seal(asA, TlsRecordLayer.APPLICATION_DATA, ascii("good")));
    byte[] buf = new byte[readSize];
    int n = await(async(() -> link.b.in().read(buf, 0, buf.length)));
    assertThat(Arrays.copyOf(buf, n)).isEqualTo(ascii("good"));

    link.inject(hostile.build(asA));
    if (endStream) {
      link.pair.dialer.socketShutdownOutput();
    }
    Throwable t = failureOf(async(() -> link.b.in().read(buf, 0, buf.length)));
    assertThat(t).isInstanceOf(IOException.class);
    assertThat(link.pair.listener.isClosed()).isTrue();
    assertThatThrownBy(() -> link.b.in().read(buf, 0, buf.length)).isSameAs(t);
    assertThatThrownBy(() -> {
      link.b.out().write(1);
      link.b.out().flush();
    }).isInstanceOf(IOException.class);

    byte[] sent = await(async(() -> readUntilEnd(link.pair.dialer.in())));
    if (alert < 0) {
      assertThat(sent).as("no alert answers a received alert").isEmpty();
    } else {
      byte[] record = readRecord(new ByteArrayInputStream(sent));
      assertThat(record.length).as("one record").isEqualTo(sent.length);
      Inner inner = open(link.fromB(), record);
      assertThat(inner.type()).isEqualTo(TlsRecordLayer.ALERT);
      assertThat(inner.content()).isEqualTo(bytes(2, alert));
    }
    return t;
  }

  // ---- 4. direct decryption into the caller's array ----

  @ParameterizedTest
  @EnumSource(TlsSuite.class)
  void aLargeReadDecryptsIntoTheCallersArrayAndLeavesTheBytesAfterTheData(TlsSuite suite) throws Exception {
    Link link = new Link(suite, TlsRecordLayer.KEY_UPDATE_RECORDS, 70 + suite.ordinal());
    int full = TlsRecordLayer.MAX_RECORD_PLAINTEXT;
    byte[] data = random(full, 71);
    data[full - 1] = 1;

    // a whole record into a large array
    link.a.out().write(data);
    link.a.out().flush();
    byte[] b = new byte[40_000];
    Arrays.fill(b, SENTINEL);
    assertThat(await(async(() -> link.b.in().read(b, 0, b.length)))).isEqualTo(full);
    assertThat(Arrays.copyOf(b, full)).isEqualTo(data);
    assertThat(Arrays.copyOfRange(b, full, b.length)).containsOnly(SENTINEL);

    // at an offset
    link.a.out().write(data);
    link.a.out().flush();
    Arrays.fill(b, SENTINEL);
    int off = 3001;
    assertThat(await(async(() -> link.b.in().read(b, off, 20_000)))).isEqualTo(full);
    assertThat(Arrays.copyOf(b, off)).containsOnly(SENTINEL);
    assertThat(Arrays.copyOfRange(b, off, off + full)).isEqualTo(data);
    assertThat(Arrays.copyOfRange(b, off + full, b.length)).containsOnly(SENTINEL);

    // a read just large enough for the record's inner plaintext
    link.a.out().write(data);
    link.a.out().flush();
    byte[] exact = new byte[full + 1];
    Arrays.fill(exact, SENTINEL);
    assertThat(await(async(() -> link.b.in().read(exact, 0, exact.length)))).isEqualTo(full);
    assertThat(Arrays.copyOf(exact, full)).isEqualTo(data);
    assertThat(exact[full]).isEqualTo(SENTINEL);

    // a read one byte too short for that takes the data in two reads
    link.a.out().write(data);
    link.a.out().flush();
    byte[] shorter = new byte[full];
    assertThat(await(async(() -> link.b.in().read(shorter, 0, full - 1)))).isEqualTo(full - 1);
    assertThat(await(async(() -> link.b.in().read(shorter, full - 1, 1)))).isEqualTo(1);
    assertThat(shorter).isEqualTo(data);
  }

  @Test
  void aDirectlyDecryptedPaddedRecordLeavesTheBytesAfterItsData() throws Exception {
    Link link = new Link(TlsSuite.AES_128_GCM_SHA256);
    TlsRecordCipher asA = link.asA();
    byte[] data = random(8000, 80);
    data[data.length - 1] = 9;
    byte[] b = new byte[20_000];
    for (int padding : new int[] {0, 1, 14, 15}) {
      link.inject(sealPadded(asA, TlsRecordLayer.APPLICATION_DATA, data, padding));
      Arrays.fill(b, SENTINEL);
      assertThat(await(async(() -> link.b.in().read(b, 0, b.length)))).as("padding %d", padding).isEqualTo(data.length);
      assertThat(Arrays.copyOf(b, data.length)).isEqualTo(data);
      assertThat(Arrays.copyOfRange(b, data.length, b.length)).as("padding %d", padding).containsOnly(SENTINEL);
    }

    // a large key update read directly, then data: the data is intact
    byte[] update = sealPadded(asA, TlsRecordLayer.HANDSHAKE, bytes(24, 0, 0, 1, 0), 6000);
    asA.update();
    link.inject(update, seal(asA, TlsRecordLayer.APPLICATION_DATA, data));
    Arrays.fill(b, SENTINEL);
    assertThat(await(async(() -> link.b.in().read(b, 0, b.length)))).isEqualTo(data.length);
    assertThat(Arrays.copyOf(b, data.length)).isEqualTo(data);
    assertThat(Arrays.copyOfRange(b, data.length, b.length)).containsOnly(SENTINEL);
  }

  // ---- 5. hostile input during the handshake ----

  /** A record layer before any keys, on the listener; the test writes raw to the dialer. */
  private TlsRecordLayer handshakeLayer(SocketPair pair) {
    return new TlsRecordLayer(pair.listener, TlsRecordLayer.KEY_UPDATE_RECORDS);
  }

  private SocketPair pair() throws IOException {
    SocketPair pair = new SocketPair();
    toClose.add(pair);
    return pair;
  }

  private static void write(SocketPair pair, byte[]... parts) throws IOException {
    pair.dialer.out().write(concat(parts));
    pair.dialer.out().flush();
  }

  private AlertException handshakeFailure(TlsRecordLayer layer, int expectedType, int alert) throws Exception {
    Throwable t = failureOf(async(() -> layer.readHandshakeMessage(expectedType)));
    assertThat(t).isInstanceOf(AlertException.class);
    AlertException e = (AlertException) t;
    assertThat(e.alert()).isEqualTo(alert);
    return e;
  }

  @Test
  void handshakeMessagesArriveWholeHoweverTheyAreSplit() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    byte[] first = concat(bytes(1, 0, 0, 10), random(10, 90));
    byte[] second = concat(bytes(11, 0, 0x9c, 0x40), random(40_000, 91));
    byte[] third = bytes(15, 0, 0, 0);
    byte[] all = concat(first, second, third);
    // change_cipher_spec records are dropped once a ClientHello went out; records split messages
    // anywhere
    layer.helloSeen();
    write(pair,
        plain(20, bytes(1)),
        plain(22, Arrays.copyOfRange(all, 0, 2)),
        plain(22, Arrays.copyOfRange(all, 2, 20)),
        plain(20, bytes(1)),
        plain(22, Arrays.copyOfRange(all, 20, 16_404)),
        plain(22, Arrays.copyOfRange(all, 16_404, 32_788)),
        plain(22, Arrays.copyOfRange(all, 32_788, all.length)));
    assertThat(await(async(() -> layer.readHandshakeMessage(1)))).isEqualTo(first);
    assertThat(await(async(() -> layer.readHandshakeMessage(11)))).isEqualTo(second);
    assertThat(await(async(() -> layer.readHandshakeMessage(15)))).isEqualTo(third);
  }

  @Test
  void anIdleLayerHoldsNoBuffer() throws Exception {
    Link link = new Link(TlsSuite.AES_128_GCM_SHA256);
    byte[] data = random(100_000, 60);
    for (int round = 0; round < 2; round++) {
      // both directions move data, with small and large writes, then both readers wait
      Future<byte[]> atB = async(() -> link.b.in().readNBytes(data.length));
      Future<byte[]> atA = async(() -> link.a.in().readNBytes(data.length));
      link.a.out().write(data, 0, 10);
      link.a.out().write(data, 10, data.length - 10);
      link.a.out().flush();
      link.b.out().write(data);
      link.b.out().flush();
      assertThat(await(atB)).isEqualTo(data);
      assertThat(await(atA)).isEqualTo(data);
      Future<Integer> waitingB = async(() -> link.b.in().read());
      Future<Integer> waitingA = async(() -> link.a.in().read());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (link.a.holdsBuffers() || link.b.holdsBuffers()) {
        assertThat(System.nanoTime()).as("both layers give their buffers back").isLessThan(deadline);
        Thread.onSpinWait();
      }
      // and take them again when bytes come
      link.a.out().write(7);
      link.a.out().flush();
      link.b.out().write(8);
      link.b.out().flush();
      assertThat(await(waitingB)).isEqualTo(7);
      assertThat(await(waitingA)).isEqualTo(8);
    }
  }

  @Test
  void changeCipherSpecBeforeAClientHelloOrMoreThanTwoFail() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    write(pair, plain(20, bytes(1)), plain(22, bytes(1, 0, 0, 0)));
    handshakeFailure(layer, 1, 10);

    pair = pair();
    TlsRecordLayer after = handshakeLayer(pair);
    after.helloSeen();
    write(pair, plain(20, bytes(1)), plain(20, bytes(1)), plain(20, bytes(1)), plain(22, bytes(2, 0, 0, 0)));
    assertThat(handshakeFailure(after, 2, 10)).hasMessageContaining("change_cipher_spec");
  }

  @Test
  void manyRecordsInARowWithoutDataFail() throws Exception {
    Link link = new Link(TlsSuite.AES_128_GCM_SHA256);
    TlsRecordCipher asA = link.asA();
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < TlsRecordLayer.MAX_EMPTY_RECORDS; i++) {
      records.add(seal(asA, TlsRecordLayer.APPLICATION_DATA, new byte[0]));
    }
    records.add(seal(asA, TlsRecordLayer.APPLICATION_DATA, ascii("data")));
    for (int i = 0; i <= TlsRecordLayer.MAX_EMPTY_RECORDS; i++) {
      records.add(seal(asA, TlsRecordLayer.APPLICATION_DATA, new byte[0]));
    }
    link.inject(records.toArray(byte[][]::new));
    byte[] buf = new byte[100];
    // as many as the limit are skipped...
    assertThat(await(async(() -> link.b.in().read(buf)))).isEqualTo(4);
    // ...one more is refused
    Throwable t = failureOf(async(() -> link.b.in().read(buf)));
    assertThat(t).isInstanceOf(AlertException.class).hasMessageContaining("without application data");
  }

  @Test
  void aRecordInsideAHandshakeMessageAfterTheHandshakeFails() throws Exception {
    Link link = new Link(TlsSuite.AES_128_GCM_SHA256);
    TlsRecordCipher asA = link.asA();
    link.inject(
        seal(asA, TlsRecordLayer.HANDSHAKE, bytes(4, 0, 0, 20, 0, 0)),
        seal(asA, TlsRecordLayer.APPLICATION_DATA, ascii("in between")));
    Throwable t = failureOf(async(() -> link.b.in().read(new byte[100])));
    assertThat(t).isInstanceOf(AlertException.class).hasMessageContaining("inside a handshake message");
  }

  @Test
  void theLargestHandshakeMessageIsAcceptedAndOneByteMoreRefusedAtItsHeader() throws Exception {
    int limit = TlsRecordLayer.MAX_HANDSHAKE_MESSAGE - 4;
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    byte[] largest = concat(bytes(11, limit >>> 16, limit >>> 8, limit), random(limit, 92));
    for (int off = 0; off < largest.length; off += TlsRecordLayer.MAX_RECORD_PLAINTEXT) {
      write(pair, plain(22, Arrays.copyOfRange(largest, off, Math.min(largest.length, off + TlsRecordLayer.MAX_RECORD_PLAINTEXT))));
    }
    assertThat(await(async(() -> layer.readHandshakeMessage(11)))).isEqualTo(largest);

    // the next one claims a byte more: refused without waiting for its body (none is sent)
    write(pair, plain(22, bytes(11, (limit + 1) >>> 16, (limit + 1) >>> 8, limit + 1)));
    assertThat(handshakeFailure(layer, 11, 10)).hasMessageContaining(String.valueOf(limit + 1));
  }

  @Test
  void aHandshakeMessageOf16MiBIsRefusedAtItsHeader() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    write(pair, plain(22, bytes(1, 0xff, 0xff, 0xff)), plain(22, random(16384, 93)));
    handshakeFailure(layer, 1, 10);
  }

  @Test
  void aHandshakeMessageHeaderSplitOverRecordsIsCheckedToo() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    write(pair, plain(22, bytes(1, 0x7f)), plain(22, bytes(0xff, 0xff)));
    handshakeFailure(layer, 1, 10);
  }

  @Test
  void anEncryptedHandshakeMessageOverTheLimitIsRefused() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    byte[] secret = random(32, 94);
    layer.setReadCipher(new TlsRecordCipher(TlsSuite.AES_128_GCM_SHA256, secret));
    layer.helloSeen();
    TlsRecordCipher peer = new TlsRecordCipher(TlsSuite.AES_128_GCM_SHA256, secret);
    byte[] ok = concat(bytes(8, 0, 0, 2), bytes(0, 0));
    write(pair, plain(20, bytes(1)), seal(peer, 22, ok));
    assertThat(await(async(() -> layer.readHandshakeMessage(8)))).isEqualTo(ok);
    write(pair, seal(peer, 22, bytes(11, 0x10, 0, 0)));
    handshakeFailure(layer, 11, 10);
  }

  @Test
  void aKeyChangeInsideAHandshakeMessageIsRefused() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    write(pair, plain(22, concat(bytes(2, 0, 0, 2, 0, 0), bytes(8, 0))));
    assertThat(await(async(() -> layer.readHandshakeMessage(2)))).isEqualTo(bytes(2, 0, 0, 2, 0, 0));
    assertThatThrownBy(() -> layer.setReadCipher(new TlsRecordCipher(TlsSuite.AES_128_GCM_SHA256, random(32, 95))))
        .isInstanceOf(AlertException.class);
  }

  @Test
  void aFirstRecordWithTheWrongMessageTypeFailsWithoutWaitingForTheRest() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    // a record of 16 KiB announced, only its first byte sent
    write(pair, bytes(22, 3, 3, 0x40, 0x00, 2));
    assertThat(handshakeFailure(layer, 1, 10)).hasMessageContaining("expected handshake message 1, received 2");
  }

  @Test
  void aFirstRecordWithTheRightMessageTypeIsAwaited() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    byte[] message = concat(bytes(1, 0, 0, 96), random(96, 96));
    write(pair, bytes(22, 3, 3, 0, 100), Arrays.copyOf(message, 1));
    Future<byte[]> read = async(() -> layer.readHandshakeMessage(1));
    write(pair, Arrays.copyOfRange(message, 1, message.length));
    assertThat(await(read)).isEqualTo(message);
  }

  @Test
  void anEmptyHandshakeRecordFails() throws Exception {
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    // alone: the read fails without waiting for more bytes
    write(pair, bytes(22, 3, 3, 0, 0));
    assertThat(handshakeFailure(layer, 1, 10)).hasMessageContaining("empty handshake record");
  }

  @Test
  void otherHostileHandshakeRecordsFailFast() throws Exception {
    record Case(byte[] bytes, int alert) {}
    List<Case> cases = List.of(
        new Case(ascii("GET / HTTP/1.1\r\n"), 10),
        new Case(bytes(22, 3, 3, 0x40, 0x01, 1), 22),
        new Case(plain(20, bytes(2)), 10),
        new Case(plain(20, bytes(1, 1)), 10),
        new Case(plain(23, bytes(1)), 10),
        new Case(plain(21, bytes(2, 40, 1)), 50));
    for (Case c : cases) {
      SocketPair pair = pair();
      TlsRecordLayer layer = handshakeLayer(pair);
      write(pair, c.bytes());
      handshakeFailure(layer, 1, c.alert());
    }

    // an alert from the peer
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    write(pair, plain(21, bytes(2, 40)));
    AlertException e = handshakeFailure(layer, 1, 40);
    assertThat(e.received()).isTrue();
    assertThat(e).hasMessageContaining("handshake_failure");
  }

  @Test
  void theStreamEndingDuringTheHandshakeFails() throws Exception {
    // between records: the end of the handshake
    SocketPair pair = pair();
    TlsRecordLayer layer = handshakeLayer(pair);
    write(pair, plain(22, bytes(1, 0, 0, 10, 0)));
    pair.dialer.socketShutdownOutput();
    assertThat(failureOf(async(() -> layer.readHandshakeMessage(1)))).isInstanceOf(EndOfHandshakeException.class);

    // inside a record or a header: a decode error
    for (byte[] partial : List.of(bytes(22, 3, 3, 0, 10, 1, 0), bytes(22, 3))) {
      SocketPair p = pair();
      TlsRecordLayer l = handshakeLayer(p);
      write(p, partial);
      p.dialer.socketShutdownOutput();
      handshakeFailure(l, 1, 50);
    }
  }

  // ---- 6. a server fed mutated ClientHellos ----

  @Test
  void mutatedClientHellosEndInSecurityHandshakeExceptions() throws Exception {
    byte[] hello;
    try (SocketPair pair = new SocketPair()) {
      TlsTransport client = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
      Future<SecureConnection> dial = async(() -> client.secureOutbound(pair.dialer, null, List.of()));
      hello = await(async(() -> readRecord(pair.listener.in())));
      pair.listener.close();
      assertThat(failureOf(dial)).isInstanceOf(SecurityHandshakeException.class);
    }
    assertThat(hello[0]).isEqualTo(TlsRecordLayer.HANDSHAKE);
    assertThat(hello[HEADER]).as("ClientHello").isEqualTo((byte) 1);

    TlsTransport server = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    Random random = new Random(2024);
    Map<String, Integer> outcomes = new TreeMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      byte[] mutated = i == 0 ? hello : mutate(hello, random);
      try (SocketPair pair = new SocketPair()) {
        Future<SecureConnection> accept = async(() -> server.secureInbound(pair.listener, List.of()));
        try {
          pair.dialer.out().write(mutated);
          pair.dialer.out().flush();
          pair.dialer.socketShutdownOutput();
        } catch (IOException e) {
          // the server may already have refused the first bytes
        }
        Throwable t = failureOf(accept);
        assertThat(t).as("mutation %d: %s", i, t).isInstanceOf(SecurityHandshakeException.class);
        assertThat(pair.listener.isClosed()).as("mutation %d", i).isTrue();
        String kind = t.getCause() instanceof AlertException a
            ? "alert " + a.alert()
            : String.valueOf(t.getCause() == null ? t : t.getCause().getClass().getSimpleName());
        outcomes.merge(kind, 1, Integer::sum);
      }
    }
    // the mutations reach different checks, not only the record framing: the end of the stream
    // after an accepted ClientHello, and alerts of several kinds
    assertThat(outcomes).as("outcomes %s", outcomes)
        .containsKeys("EndOfHandshakeException", "alert 10", "alert 50", "alert 47")
        .hasSizeGreaterThan(5);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(15));
  }

  private static byte[] mutate(byte[] hello, Random random) {
    if (random.nextInt(5) == 0) {
      return Arrays.copyOf(hello, random.nextInt(hello.length));
    }
    byte[] b = hello.clone();
    int flips = 1 + random.nextInt(3);
    for (int i = 0; i < flips; i++) {
      // mostly inside the handshake message, sometimes in the record header
      int pos = random.nextInt(8) == 0 ? random.nextInt(HEADER) : HEADER + random.nextInt(b.length - HEADER);
      b[pos] ^= (byte) (1 + random.nextInt(255));
    }
    return b;
  }
}
