package io.jlibp2p.negotiation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.negotiation.MultistreamSelect;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class MessageCodecProperties {
  @Property
  void roundTrip(@ForAll @StringLength(max = 300) String text) throws Exception {
    Assume.that(text.indexOf('\n') < 0);
    byte[] encoded = MessageCodec.encode(text);
    Assume.that(
        text.getBytes(StandardCharsets.UTF_8).length < MultistreamSelect.MAX_MESSAGE_LENGTH);
    ByteArrayInputStream in = new ByteArrayInputStream(encoded);
    // unpaired surrogates do not survive UTF-8; everything else does
    String expected = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    assertThat(MessageCodec.read(in, MultistreamSelect.MAX_MESSAGE_LENGTH)).isEqualTo(expected);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Property
  void truncatedMessagesAreEof(
      @ForAll @StringLength(min = 1, max = 100) String text, @ForAll @IntRange(min = 0) int cut) {
    Assume.that(text.indexOf('\n') < 0);
    byte[] encoded = MessageCodec.encode(text);
    byte[] truncated = Arrays.copyOf(encoded, cut % encoded.length);
    assertThatThrownBy(
            () -> MessageCodec.read(new ByteArrayInputStream(truncated), MultistreamSelect.MAX_MESSAGE_LENGTH))
        .isInstanceOf(EOFException.class);
  }

  @Property
  void oversizedMessagesAreRejectedBeforeReading(
      @ForAll @IntRange(min = MultistreamSelect.MAX_MESSAGE_LENGTH + 1, max = 1 << 30) int length) {
    byte[] prefix = io.jlibp2p.multiformats.Varint.encode(length);
    assertThatThrownBy(
            () -> MessageCodec.read(new ByteArrayInputStream(prefix), MultistreamSelect.MAX_MESSAGE_LENGTH))
        .isInstanceOf(ProtocolViolationException.class);
  }

  @Property
  void arbitraryBytesNeverCrashOrOverread(@ForAll byte[] bytes) {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    try {
      String text = MessageCodec.read(in, MultistreamSelect.MAX_MESSAGE_LENGTH);
      assertThat(text.getBytes(StandardCharsets.UTF_8).length)
          .isLessThan(MultistreamSelect.MAX_MESSAGE_LENGTH);
    } catch (java.io.IOException expected) {
      // EOF or a violation: both are fine, nothing else is
    }
  }
}
