package io.jlibp2p.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The byte streams of a connected socket. Where the socket is a {@link SocketChannel}'s own and
 * {@link NativeSocketIo} is available, reads and writes of at least {@value #NATIVE_MIN} bytes go
 * between the kernel and the caller's array with no copy in between ({@link NativeSocketIo#recv},
 * {@link NativeSocketIo#send}); they wait, when they must, in the JDK's own blocking read of one
 * byte or write of up to {@value #WAITING_WRITE} bytes, so timeouts and virtual threads behave as
 * with the JDK's streams, which also serve smaller reads and writes. Elsewhere these are the JDK's
 * streams.
 *
 * <p>{@link #close()} waits for a read or write in progress on the descriptor (which never blocks)
 * before it closes the socket, so that the descriptor's number cannot be reused under it. A socket
 * the JDK closes by itself (a thread interrupted in a blocking read or write of a channel) is
 * checked for after each call: what that call read is then discarded and the read fails.
 *
 * <p>One reading thread and one writing thread at a time; {@link #close()} from any thread.
 * Closing either stream closes the socket.
 */
public final class SocketStreams implements Closeable {
  /** Reads and writes below this many bytes go through the JDK's streams. */
  public static final int NATIVE_MIN = 4096;

  /** The most a write that must wait for room hands to the JDK's stream. */
  static final int WAITING_WRITE = 16 * 1024;

  private final Socket socket;
  /** Whether the socket is a channel's own, whose close sends no FIN ahead of its data's end. */
  private final boolean channelSocket;
  private final InputStream jdkIn;
  private final OutputStream jdkOut;
  /** Null where the JDK's streams do everything. */
  private final SocketChannel channel;

  private final int fd;
  /** Read: a call on {@link #fd} in progress. Write: closing. */
  private final ReentrantReadWriteLock guard = new ReentrantReadWriteLock();

  private final InputStream in;
  private final OutputStream out;

  /** The streams of {@code socket}, which this takes over: {@link #close()} closes it. */
  public SocketStreams(Socket socket) throws IOException {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.jdkIn = socket.getInputStream();
    this.jdkOut = socket.getOutputStream();
    SocketChannel ch = socket.getChannel();
    // the channel's own socket: a socket layered over it (TLS) names the same channel
    this.channelSocket = ch != null && ch.socket() == socket;
    if (channelSocket && ch.isBlocking() && NativeSocketIo.available()) {
      this.channel = ch;
      this.fd = NativeSocketIo.fd(ch);
      this.in = new NativeIn();
      this.out = new NativeOut();
    } else {
      this.channel = null;
      this.fd = -1;
      this.in = new ClosingIn();
      this.out = new ClosingOut();
    }
  }

  /** The socket's input. */
  public InputStream in() {
    return in;
  }

  /** The socket's output. */
  public OutputStream out() {
    return out;
  }

  /** Whether large reads and writes bypass the JDK's copy ({@link NativeSocketIo}). */
  public boolean isNative() {
    return channel != null;
  }

  /**
   * Closes the socket, once a read or write in progress on its descriptor returns. Idempotent. As
   * {@link Socket#close()} does, and a channel's close does not, the output is shut down first
   * (unless {@code SO_LINGER} is 0): the peer reads the end of the data before a reset that unread
   * bytes here may cause.
   */
  @Override
  public void close() throws IOException {
    Lock l = guard.writeLock();
    l.lock();
    try {
      if (channelSocket && socket.isConnected() && !socket.isClosed() && !socket.isOutputShutdown()) {
        try {
          if (socket.getSoLinger() != 0) {
            socket.shutdownOutput();
          }
        } catch (IOException ignored) {
          // closing regardless
        }
      }
      socket.close();
    } finally {
      l.unlock();
    }
  }

  /** {@link NativeSocketIo#recv} unless the socket is closed (then -1: the JDK's read reports it). */
  private int recv(byte[] b, int off, int len) throws IOException {
    Lock l = guard.readLock();
    l.lock();
    try {
      if (!channel.isOpen()) {
        return -1;
      }
      int r = NativeSocketIo.recv(fd, b, off, len);
      if (!channel.isOpen()) {
        throw new SocketException("Socket closed");
      }
      return r;
    } finally {
      l.unlock();
    }
  }

  /** {@link NativeSocketIo#send} unless the socket is closed (then -1: the JDK's write reports it). */
  private int send(byte[] b, int off, int len) {
    Lock l = guard.readLock();
    l.lock();
    try {
      return channel.isOpen() ? NativeSocketIo.send(fd, b, off, len) : -1;
    } finally {
      l.unlock();
    }
  }

  private class ClosingIn extends InputStream {
    @Override
    public int read() throws IOException {
      return jdkIn.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return jdkIn.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return jdkIn.available();
    }

    @Override
    public void close() throws IOException {
      SocketStreams.this.close();
    }
  }

  private final class NativeIn extends ClosingIn {
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len < NATIVE_MIN) {
        return jdkIn.read(b, off, len);
      }
      int r = recv(b, off, len);
      if (r >= 0) {
        return r == 0 ? -1 : r;
      }
      int first = jdkIn.read(b, off, 1); // waits for bytes, or reports what went wrong
      if (first <= 0) {
        return first;
      }
      int more = recv(b, off + 1, len - 1);
      return more > 0 ? 1 + more : 1; // at end of stream, the next read says so
    }
  }

  private class ClosingOut extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      jdkOut.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      jdkOut.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      jdkOut.flush();
    }

    @Override
    public void close() throws IOException {
      SocketStreams.this.close();
    }
  }

  private final class NativeOut extends ClosingOut {
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len < NATIVE_MIN) {
        jdkOut.write(b, off, len);
        return;
      }
      while (len > 0) {
        int n = send(b, off, len);
        if (n < 0) {
          n = Math.min(len, WAITING_WRITE);
          jdkOut.write(b, off, n); // waits for room, or reports what went wrong
        }
        off += n;
        len -= n;
      }
    }
  }
}
