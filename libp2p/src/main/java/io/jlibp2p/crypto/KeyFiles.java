package io.jlibp2p.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Private key files: the libp2p protobuf {@code PrivateKey} bytes, nothing else (the format of
 * p2pd's {@code -id} file and of js-libp2p's exported keys). Files are written atomically and,
 * where the file system supports POSIX permissions, readable and writable by the owner only.
 * Stateless and thread-safe; every method blocks on file I/O.
 *
 * {@snippet :
 * PrivateKey key = KeyFiles.loadOrCreate(Path.of("identity.key"), KeyType.ED25519);
 * }
 */
public final class KeyFiles {
  /** Largest key file read. */
  public static final int MAX_FILE_SIZE = PrivateKey.MAX_ENCODED_LENGTH;

  private static final FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private KeyFiles() {}

  /**
   * Reads the key in {@code file}. A missing file is a {@link NoSuchFileException}; a file over
   * {@value #MAX_FILE_SIZE} bytes or not holding a valid key is an IOException naming the file.
   */
  public static PrivateKey read(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_SIZE + 1);
    }
    if (bytes.length > MAX_FILE_SIZE) {
      throw new IOException(file + ": key file over " + MAX_FILE_SIZE + " bytes");
    }
    try {
      return PrivateKey.unmarshal(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": not a libp2p private key: " + e.getMessage(), e);
    }
  }

  /** Writes {@code key} to {@code file} atomically, replacing any existing file. */
  public static void write(Path file, PrivateKey key) throws IOException {
    Path tmp = writeTemp(file, key);
    try {
      moveAtomically(tmp, file, true);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads the key in {@code file}, or, if there is no such file, generates a key of {@code type},
   * writes it and returns it. If another process creates the file at the same time, its key wins
   * and is returned.
   */
  public static PrivateKey loadOrCreate(Path file, KeyType type) throws IOException {
    return loadOrCreate(file, type, new SecureRandom());
  }

  /** As {@link #loadOrCreate(Path, KeyType)}, drawing a new key from {@code random}. */
  public static PrivateKey loadOrCreate(Path file, KeyType type, SecureRandom random)
      throws IOException {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(random, "random");
    try {
      return read(file);
    } catch (NoSuchFileException e) {
      // fall through and create it
    }
    PrivateKey key = PrivateKey.generate(type, random);
    Path tmp = writeTemp(file, key);
    try {
      moveAtomically(tmp, file, false);
      return key;
    } catch (FileAlreadyExistsException e) {
      return read(file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path writeTemp(Path file, PrivateKey key) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    String prefix = "." + file.getFileName() + ".";
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    Path tmp =
        posix
            ? Files.createTempFile(dir, prefix, ".tmp", OWNER_ONLY)
            : Files.createTempFile(dir, prefix, ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      out.write(key.marshal());
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  private static void moveAtomically(Path tmp, Path file, boolean replace) throws IOException {
    if (replace) {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    // ATOMIC_MOVE may replace an existing target on POSIX (rename(2)); a hard link never does.
    try {
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      Files.move(tmp, file); // no hard links here: fails if the target exists
    }
  }
}
