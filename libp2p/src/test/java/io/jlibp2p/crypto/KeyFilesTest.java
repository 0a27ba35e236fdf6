package io.jlibp2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;

  @Test
  void writesAndReadsKeyFilesOwnerOnly() throws IOException {
    PrivateKey key = PrivateKey.generate(KeyType.ED25519);
    Path file = dir.resolve("sub/identity.key");
    KeyFiles.write(file, key);
    assertThat(Files.readAllBytes(file)).isEqualTo(key.marshal());
    assertThat(KeyFiles.read(file)).isEqualTo(key);
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
    PrivateKey other = PrivateKey.generate(KeyType.SECP256K1);
    KeyFiles.write(file, other);
    assertThat(KeyFiles.read(file)).isEqualTo(other);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void loadOrCreateCreatesOnceThenLoads() throws IOException {
    Path file = dir.resolve("id");
    PrivateKey created = KeyFiles.loadOrCreate(file, KeyType.ECDSA);
    assertThat(created.type()).isEqualTo(KeyType.ECDSA);
    assertThat(KeyFiles.loadOrCreate(file, KeyType.ED25519)).isEqualTo(created);
  }

  @Test
  void concurrentLoadOrCreateAgreesOnOneKey() throws Exception {
    Path file = dir.resolve("race.key");
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Callable<PrivateKey> task = () -> KeyFiles.loadOrCreate(file, KeyType.ED25519);
      List<Future<PrivateKey>> results = pool.invokeAll(java.util.Collections.nCopies(8, task));
      PrivateKey first = results.get(0).get();
      for (Future<PrivateKey> f : results) {
        assertThat(f.get()).isEqualTo(first);
      }
      assertThat(KeyFiles.read(file)).isEqualTo(first);
    }
  }

  @Test
  void readsKeysWrittenByJsLibp2p() throws IOException {
    for (String[] row : Vectors.read("key-peer-ids.txt")) {
      Path file = dir.resolve("js.key");
      Files.write(file, Base64.getDecoder().decode(row[1]));
      assertThat(KeyFiles.read(file).type()).isEqualTo(KeyType.valueOf(row[0]));
    }
  }

  @Test
  void badFilesAreIoExceptions() throws IOException {
    assertThatThrownBy(() -> KeyFiles.read(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    Path garbage = Files.write(dir.resolve("garbage"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> KeyFiles.read(garbage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a libp2p private key");
    Path huge = Files.write(dir.resolve("huge"), new byte[KeyFiles.MAX_FILE_SIZE + 1]);
    assertThatThrownBy(() -> KeyFiles.read(huge)).isInstanceOf(IOException.class).hasMessageContaining("over");
    assertThatThrownBy(() -> KeyFiles.loadOrCreate(garbage, KeyType.ED25519)).isInstanceOf(IOException.class);
  }
}
