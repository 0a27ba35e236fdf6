package io.jlibp2p.negotiation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolNegotiationException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.negotiation.internal.MessageCodec;
import io.jlibp2p.security.testing.SocketPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.HexFormat;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MultistreamSelectTest {
  static final ProtocolId A = ProtocolId.of("/a/1.0.0");
  static final ProtocolId B = ProtocolId.of("/b/1.0.0");
  static final ProtocolId C = ProtocolId.of("/c/1.0.0");

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void shutdown() {
    executor.shutdownNow();
  }

  /** The given texts encoded as messages, one after the other. */
  static ByteArrayInputStream messages(String... texts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String t : texts) {
      out.writeBytes(MessageCodec.encode(t));
    }
    return new ByteArrayInputStream(out.toByteArray());
  }

  /** One direction of a pipe pair. */
  record Pipe(PipedInputStream in, PipedOutputStream out) {
    static Pipe create() throws Exception {
      PipedInputStream in = new PipedInputStream(1 << 16);
      return new Pipe(in, new PipedOutputStream(in));
    }
  }

  @Test
  void selectsTheFirstSupportedAfterNa() throws Exception {
    Pipe toListener = Pipe.create();
    Pipe toDialer = Pipe.create();
    Future<ProtocolId> listener =
        executor.submit(() -> MultistreamSelect.respond(toListener.in(), toDialer.out(), Set.of(B, C)));
    ProtocolId chosen = MultistreamSelect.select(toDialer.in(), toListener.out(), List.of(A, B, C));
    assertThat(chosen).isEqualTo(B);
    assertThat(listener.get(5, TimeUnit.SECONDS)).isEqualTo(B);
    assertThat(toDialer.in().available()).isZero(); // nothing beyond the negotiation was read
  }

  @Test
  void failsWhenNothingIsSupported() throws Exception {
    try (SocketPair pair = new SocketPair()) {
      Future<ProtocolId> listener =
          executor.submit(
              () -> MultistreamSelect.respond(pair.listener.in(), pair.listener.out(), Set.of(C)));
      assertThatThrownBy(
              () -> MultistreamSelect.select(pair.dialer.in(), pair.dialer.out(), List.of(A, B)))
          .isInstanceOf(ProtocolNegotiationException.class)
          .hasMessageContaining("/a/1.0.0")
          .hasMessageContaining("/b/1.0.0");
      pair.dialer.close(); // the dialer gives up: the listener sees the end of the stream
      assertThatThrownBy(() -> listener.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(EOFException.class);
    }
  }

  @Test
  void dialerSendsHeaderAndProposalInOneWrite() throws Exception {
    List<byte[]> writes = new java.util.ArrayList<>();
    OutputStream recording =
        new OutputStream() {
          @Override
          public void write(int b) {
            writes.add(new byte[] {(byte) b});
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writes.add(java.util.Arrays.copyOfRange(b, off, off + len));
          }
        };
    InputStream answers =
        messages(MultistreamSelect.HEADER, "/a/1.0.0");
    assertThat(MultistreamSelect.select(answers, recording, List.of(A))).isEqualTo(A);
    assertThat(writes).hasSize(1);
    assertThat(HexFormat.of().formatHex(writes.get(0)))
        .isEqualTo("132f6d756c746973747265616d2f312e302e300a" + "092f612f312e302e300a");
  }

  @Test
  void listenerAnswersLs() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in =
        messages(MultistreamSelect.HEADER, "ls", "/b/1.0.0");
    assertThat(MultistreamSelect.respond(in, out, List.of(A, B))).isEqualTo(B);
    ByteArrayInputStream answer = new ByteArrayInputStream(out.toByteArray());
    assertThat(MessageCodec.read(answer, 100)).isEqualTo(MultistreamSelect.HEADER);
    // ls: one message holding each protocol as a message of its own, then a newline
    String list = MessageCodec.read(answer, 100);
    ByteArrayInputStream inner = new ByteArrayInputStream((list + "\n").getBytes());
    assertThat(MessageCodec.read(inner, 100)).isEqualTo("/a/1.0.0");
    assertThat(MessageCodec.read(inner, 100)).isEqualTo("/b/1.0.0");
    assertThat(inner.read()).isEqualTo('\n');
    assertThat(MessageCodec.read(answer, 100)).isEqualTo("/b/1.0.0");
    assertThat(answer.read()).isEqualTo(-1);
  }

  @Test
  void listenerAnswersNaToNonProtocolIds() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in =
        messages(MultistreamSelect.HEADER, "not-a-protocol", "/a/1.0.0");
    assertThat(MultistreamSelect.respond(in, out, List.of(A))).isEqualTo(A);
    assertThat(out.toByteArray())
        .isEqualTo(
            MessageCodec.concat(
                MessageCodec.encode(MultistreamSelect.HEADER),
                MessageCodec.encode("na"),
                MessageCodec.encode("/a/1.0.0")));
  }

  @Test
  void listenerGivesUpAfterTheAttemptLimit() {
    ByteArrayOutputStream proposals = new ByteArrayOutputStream();
    proposals.writeBytes(MessageCodec.encode(MultistreamSelect.HEADER));
    for (int i = 0; i <= MultistreamSelect.MAX_NEGOTIATION_ATTEMPTS; i++) {
      proposals.writeBytes(MessageCodec.encode("/unknown/" + i));
    }
    proposals.writeBytes(MessageCodec.encode("/a/1.0.0"));
    InputStream in = new ByteArrayInputStream(proposals.toByteArray());
    assertThatThrownBy(() -> MultistreamSelect.respond(in, new ByteArrayOutputStream(), Set.of(A)))
        .isInstanceOf(ProtocolNegotiationException.class)
        .hasMessageContaining("MAX_NEGOTIATION_ATTEMPTS");
  }

  @Test
  void optimisticSuccessCoalescesWithFirstData() throws Exception {
    try (SocketPair pair = new SocketPair()) {
      Future<String> listener =
          executor.submit(
              () -> {
                ProtocolId p =
                    MultistreamSelect.respond(pair.listener.in(), pair.listener.out(), Set.of(A));
                byte[] request = pair.listener.in().readNBytes(5);
                pair.listener.out().write(request);
                pair.listener.out().flush();
                return p + ":" + new String(request);
              });
      InputStream in =
          MultistreamSelect.selectOptimistic(pair.dialer.in(), pair.dialer.out(), A);
      pair.dialer.out().write("hello".getBytes());
      pair.dialer.out().flush();
      byte[] echo = new byte[5];
      assertThat(in.readNBytes(echo, 0, 5)).isEqualTo(5);
      assertThat(new String(echo)).isEqualTo("hello");
      assertThat(listener.get(5, TimeUnit.SECONDS)).isEqualTo("/a/1.0.0:hello");
    }
  }

  @Test
  void optimisticFailureOnNa() throws Exception {
    try (SocketPair pair = new SocketPair()) {
      executor.submit(
          () -> MultistreamSelect.respond(pair.listener.in(), pair.listener.out(), Set.of(B)));
      InputStream in = MultistreamSelect.selectOptimistic(pair.dialer.in(), pair.dialer.out(), A);
      pair.dialer.out().flush();
      assertThatThrownBy(in::read)
          .isInstanceOf(ProtocolNegotiationException.class)
          .hasMessageContaining("does not support /a/1.0.0");
      assertThatThrownBy(in::available).isInstanceOf(ProtocolNegotiationException.class);
    }
  }

  @Test
  void optimisticEndOfStreamBeforeTheAnswerIsEof() throws Exception {
    // the listener's header, then the stream ends inside its answer
    byte[] answer =
        Arrays.copyOf(
            MessageCodec.concat(
                MessageCodec.encode(MultistreamSelect.HEADER), MessageCodec.encode("/a/1.0.0")),
            25);
    InputStream in =
        MultistreamSelect.selectOptimistic(
            new ByteArrayInputStream(answer), new ByteArrayOutputStream(), A);
    Throwable eof = catchThrowable(in::read);
    assertThat(eof).isInstanceOf(EOFException.class);
    assertThatThrownBy(in::read).isSameAs(eof);
    assertThatThrownBy(in::available).isSameAs(eof);
  }

  @Test
  void optimisticDoesNotFlush() throws Exception {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream() {
          @Override
          public void flush() {
            throw new AssertionError("flushed");
          }
        };
    MultistreamSelect.selectOptimistic(new ByteArrayInputStream(new byte[0]), out, A);
    assertThat(out.size()).isEqualTo(20 + 10);
  }

  @Test
  void optimisticAvailableAndSkipNegotiateFirst() throws Exception {
    byte[] answer =
        MessageCodec.concat(
            MessageCodec.encode(MultistreamSelect.HEADER),
            MessageCodec.encode("/a/1.0.0"),
            new byte[] {7, 8, 9});
    InputStream in =
        MultistreamSelect.selectOptimistic(
            new ByteArrayInputStream(answer), new ByteArrayOutputStream(), A);
    assertThat(in.available()).isEqualTo(3);
    assertThat(in.skip(1)).isEqualTo(1);
    byte[] rest = new byte[4];
    assertThat(in.read(rest)).isEqualTo(2);
    assertThat(rest[0]).isEqualTo((byte) 8);
  }

  @Test
  void hostileAnswersAreViolations() {
    // wrong header
    assertThatThrownBy(
            () ->
                MultistreamSelect.select(
                    messages("/multistream/2.0.0", "na"),
                    new ByteArrayOutputStream(),
                    List.of(A)))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("bad header");
    // an answer that is neither the proposal nor na
    assertThatThrownBy(
            () ->
                MultistreamSelect.select(
                    messages(MultistreamSelect.HEADER, "/b/1.0.0"),
                    new ByteArrayOutputStream(),
                    List.of(A)))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("unexpected answer");
    // oversized length prefix: 2^20
    assertThatThrownBy(
            () ->
                MultistreamSelect.respond(
                    new ByteArrayInputStream(new byte[] {(byte) 0x80, (byte) 0x80, 0x40}),
                    new ByteArrayOutputStream(),
                    Set.of(A)))
        .isInstanceOf(ProtocolViolationException.class);
    // non-minimal varint (1 encoded in two bytes)
    assertThatThrownBy(
            () ->
                MultistreamSelect.respond(
                    new ByteArrayInputStream(new byte[] {(byte) 0x81, 0x00, '\n'}),
                    new ByteArrayOutputStream(),
                    Set.of(A)))
        .isInstanceOf(ProtocolViolationException.class);
    // missing newline
    assertThatThrownBy(
            () ->
                MultistreamSelect.respond(
                    new ByteArrayInputStream(new byte[] {3, 'a', 'b', 'c'}),
                    new ByteArrayOutputStream(),
                    Set.of(A)))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("newline");
    // truncated message
    assertThatThrownBy(
            () ->
                MultistreamSelect.respond(
                    new ByteArrayInputStream(new byte[] {19, '/', 'm'}),
                    new ByteArrayOutputStream(),
                    Set.of(A)))
        .isInstanceOf(EOFException.class);
  }
}
