package io.jlibp2p.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Redis commands the transport-interop contract needs (RPUSH, BLPOP), over RESP2. Blocking,
 * one thread at a time. Replies are bounded by {@link #MAX_REPLY_LENGTH}.
 */
final class RedisClient implements Closeable {
  /** Longest bulk string or line accepted from the server. */
  static final int MAX_REPLY_LENGTH = 64 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RedisClient(String hostPort, Duration connectTimeout) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("redis_addr: " + hostPort + " (expected: host:port)");
    }
    socket = new Socket();
    socket.connect(
        new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
        (int) connectTimeout.toMillis());
    in = new BufferedInputStream(socket.getInputStream());
    out = new BufferedOutputStream(socket.getOutputStream());
  }

  void rpush(String key, String value) throws IOException {
    command("RPUSH", key, value);
  }

  /** Blocks until {@code key} has an element or the timeout passes; returns null on timeout. */
  String blpop(String key, Duration timeout) throws IOException {
    Object r = command("BLPOP", key, Long.toString(Math.max(1, timeout.toSeconds())));
    if (r == null) {
      return null;
    }
    List<?> pair = (List<?>) r;
    return (String) pair.get(1);
  }

  private Object command(String... args) throws IOException {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
    }
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    return reply();
  }

  private Object reply() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        if (n > MAX_REPLY_LENGTH) {
          throw new IOException("redis reply of " + n + " bytes (expected: at most " + MAX_REPLY_LENGTH + ")");
        }
        byte[] b = in.readNBytes(n + 2);
        if (b.length != n + 2) {
          throw new EOFException("redis reply truncated");
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        if (n > 16) {
          throw new IOException("redis array of " + n + " elements (expected: at most 16)");
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(reply());
        }
        return items;
      }
      case -1:
        throw new EOFException("redis closed the connection");
      default:
        throw new IOException("redis: unexpected reply type " + (char) type);
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new EOFException("redis closed the connection");
      }
      if (sb.length() >= MAX_REPLY_LENGTH) {
        throw new IOException("redis line over " + MAX_REPLY_LENGTH + " bytes");
      }
      sb.append((char) c);
    }
    in.read(); // '\n'
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
