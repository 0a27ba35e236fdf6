package io.jlibp2p.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Optional;

/**
 * Non-blocking {@code recv} and {@code send} on a socket, straight between the kernel and a Java
 * array: the JDK's socket streams copy every heap array through a temporary native buffer first,
 * which on a loopback bulk transfer costs about a fifth of the CPU each side spends on its socket.
 *
 * <p>Built on the foreign function API's critical downcalls on heap memory (JDK 22 and newer), by
 * reflection so that jlibp2p still compiles for and runs on JDK 21. Available ({@link #whyNot()}
 * null) only where all of these hold, else jlibp2p uses the JDK's streams alone and says nothing:
 *
 * <ul>
 *   <li>Linux (the flags below are Linux's) and JDK 22 or newer;
 *   <li>native access enabled for jlibp2p ({@code --enable-native-access=ALL-UNNAMED}, which
 *       {@code ./jlibp2p} passes);
 *   <li>the package {@code sun.nio.ch} exported to jlibp2p ({@code --add-exports
 *       java.base/sun.nio.ch=ALL-UNNAMED}), for the channel's file descriptor;
 *   <li>the system property {@code jlibp2p.nativeSocketIo} not {@code false}.
 * </ul>
 *
 * <p>Calls never block ({@code MSG_DONTWAIT}): a caller waits in the JDK's own blocking read or
 * write, which parks a virtual thread. Stateless and thread-safe; the caller keeps the descriptor
 * from being closed during a call ({@link SocketStreams}).
 */
public final class NativeSocketIo {
  private NativeSocketIo() {}

  /** Linux's {@code MSG_DONTWAIT}: fail with {@code EAGAIN} rather than wait. */
  private static final int MSG_DONTWAIT = 0x40;

  /** Linux's {@code MSG_NOSIGNAL}: no {@code SIGPIPE} on a connection the peer closed. */
  private static final int MSG_NOSIGNAL = 0x4000;

  /** {@code recv(fd, b + off, len, flags)}: {@code (int, byte[], long, long, int) long}. */
  private static final MethodHandle RECV;

  /** {@code send(fd, b + off, len, flags)}: {@code (int, byte[], long, long, int) long}. */
  private static final MethodHandle SEND;

  /** A channel's file descriptor: {@code (SocketChannel) int}. */
  private static final MethodHandle FD;

  private static final String WHY_NOT;

  static {
    MethodHandle recv = null;
    MethodHandle send = null;
    MethodHandle fd = null;
    String why = preconditions();
    if (why == null) {
      try {
        recv = downcall("recv");
        send = downcall("send");
        fd = fdHandle();
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        why = "the foreign function API failed: " + e;
      }
    }
    RECV = recv;
    SEND = send;
    FD = fd;
    WHY_NOT = why;
    if (why != null) {
      System.getLogger(NativeSocketIo.class.getName()).log(
          System.Logger.Level.DEBUG, "socket I/O through the JDK's streams: " + why);
    }
  }

  /** Why these calls are not available in this JVM, or null if they are. */
  public static String whyNot() {
    return WHY_NOT;
  }

  /** Whether these calls are available in this JVM. */
  public static boolean available() {
    return WHY_NOT == null;
  }

  /** The file descriptor of an open channel; only where {@link #available()}. */
  public static int fd(SocketChannel channel) {
    requireAvailable();
    try {
      return (int) FD.invokeExact(channel);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("file descriptor of " + channel, e);
    }
  }

  /**
   * Reads up to {@code len} (at least 1) bytes into {@code b[off, off + len)} without waiting.
   * Returns how many were read, 0 at end of stream, or -1 if nothing was waiting or the call
   * failed (the JDK's read then waits, or reports the failure).
   */
  public static int recv(int fd, byte[] b, int off, int len) {
    requireAvailable();
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    try {
      return (int) (long) RECV.invokeExact(fd, b, (long) off, (long) len, MSG_DONTWAIT);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("recv", e);
    }
  }

  /**
   * Writes up to {@code len} (at least 1) bytes from {@code b[off, off + len)} without waiting.
   * Returns how many were written, or -1 if there was no room or the call failed (the JDK's write
   * then waits, or reports the failure).
   */
  public static int send(int fd, byte[] b, int off, int len) {
    requireAvailable();
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    try {
      return (int) (long) SEND.invokeExact(fd, b, (long) off, (long) len, MSG_DONTWAIT | MSG_NOSIGNAL);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("send", e);
    }
  }

  private static void requireAvailable() {
    if (WHY_NOT != null) {
      throw new IllegalStateException("native socket I/O is not available: " + WHY_NOT);
    }
  }

  /** What rules these calls out before anything is loaded, or null. */
  private static String preconditions() {
    String setting = System.getProperty("jlibp2p.nativeSocketIo", "auto").toLowerCase(Locale.ROOT);
    if (setting.equals("false")) {
      return "jlibp2p.nativeSocketIo=false";
    }
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return "Linux only, not " + System.getProperty("os.name");
    }
    if (Runtime.version().feature() < 22) {
      return "needs JDK 22 or newer";
    }
    Module self = NativeSocketIo.class.getModule();
    try {
      Method enabled = Module.class.getMethod("isNativeAccessEnabled");
      if (!(boolean) enabled.invoke(self)) {
        return "native access is not enabled (--enable-native-access=ALL-UNNAMED)";
      }
    } catch (ReflectiveOperationException e) {
      return "cannot tell whether native access is enabled: " + e;
    }
    if (!Object.class.getModule().isExported("sun.nio.ch", self)) {
      return "sun.nio.ch is not exported (--add-exports java.base/sun.nio.ch=ALL-UNNAMED)";
    }
    return null;
  }

  /**
   * A critical downcall to libc's {@code name}, {@code ssize_t name(int, void *, size_t, int)}, on
   * heap memory, taking a byte array and an offset in place of the pointer.
   */
  private static MethodHandle downcall(String name) throws ReflectiveOperationException {
    Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
    Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
    Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
    Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
    Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
    Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
    Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");

    Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
    Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
    Optional<?> symbol = (Optional<?>) lookupClass.getMethod("find", String.class).invoke(lookup, name);
    if (symbol.isEmpty()) {
      throw new IllegalStateException("libc has no " + name);
    }
    Object longLayout = valueLayoutClass.getField("JAVA_LONG").get(null);
    Object intLayout = valueLayoutClass.getField("JAVA_INT").get(null);
    Object addressLayout = valueLayoutClass.getField("ADDRESS").get(null);
    Object args = Array.newInstance(layoutClass, 4);
    Array.set(args, 0, intLayout);
    Array.set(args, 1, addressLayout);
    Array.set(args, 2, longLayout);
    Array.set(args, 3, intLayout);
    Object descriptor =
        descriptorClass.getMethod("of", layoutClass, args.getClass()).invoke(null, longLayout, args);
    Object options = Array.newInstance(optionClass, 1);
    Array.set(options, 0, optionClass.getMethod("critical", boolean.class).invoke(null, true));
    MethodHandle call =
        (MethodHandle)
            linkerClass
                .getMethod("downcallHandle", segmentClass, descriptorClass, options.getClass())
                .invoke(linker, symbol.get(), descriptor, options);

    // (byte[] b, long off) -> MemorySegment.ofArray(b).asSlice(off)
    MethodHandles.Lookup publicLookup = MethodHandles.publicLookup();
    MethodHandle ofArray =
        publicLookup.findStatic(segmentClass, "ofArray", MethodType.methodType(segmentClass, byte[].class));
    MethodHandle asSlice =
        publicLookup.findVirtual(segmentClass, "asSlice", MethodType.methodType(segmentClass, long.class));
    MethodHandle slice = MethodHandles.filterArguments(asSlice, 0, ofArray);
    return MethodHandles.collectArguments(call, 1, slice);
  }

  /** {@code ((sun.nio.ch.SelChImpl) channel).getFDVal()}. */
  private static MethodHandle fdHandle() throws ReflectiveOperationException {
    Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
    MethodHandle getFdVal = MethodHandles.lookup().unreflect(selChImpl.getMethod("getFDVal"));
    return getFdVal.asType(MethodType.methodType(int.class, SocketChannel.class));
  }
}
