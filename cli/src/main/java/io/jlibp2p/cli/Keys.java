package io.jlibp2p.cli;

import io.jlibp2p.crypto.KeyFiles;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import java.io.IOException;
import java.nio.file.Path;

/** Where the command keeps its identity key. */
final class Keys {
  private Keys() {}

  /** The default key file: {@code ~/.jlibp2p/identity.key}. */
  static Path defaultKeyFile() {
    return Path.of(System.getProperty("user.home"), ".jlibp2p", "identity.key");
  }

  /** Loads {@code file} (or the default), creating an Ed25519 key there if it does not exist. */
  static PrivateKey loadOrCreate(Path file) throws IOException {
    return KeyFiles.loadOrCreate(file == null ? defaultKeyFile() : file, KeyType.ED25519);
  }
}
