package io.junctionmq.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive right of one process to run PostgreSQL on a data directory, held from before
 * a leftover server is looked for until the server is stopped, across its restarts: a lock on
 * the file {@code <data directory>.lock} beside it (not in it: {@code initdb} wants an empty
 * directory). The operating system releases it when the process dies, however it dies, so a
 * broker that finds it free knows that whatever runs on the directory has no live owner.
 */
final class DataDirectoryLock implements AutoCloseable {
  /** The lock files this process holds. */
  private static final Set<Path> heldHere = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code dataDirectory}. */
  static Path file(Path dataDirectory) {
    return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code dataDirectory}, or fails at once.
   *
   * @throws IOException when another process (or another server in this JVM) holds it
   */
  static DataDirectoryLock acquire(Path dataDirectory) throws IOException {
    Path file = file(dataDirectory).toAbsolutePath().normalize();
    // Checked before the file is opened: closing any descriptor of a file drops every POSIX lock
    // this process holds on it, so this process must not open it a second time.
    if (!heldHere.add(file)) {
      throw new IOException("the PostgreSQL data directory " + dataDirectory + " is in use by this process"
          + " already (it holds the lock on " + file + ")");
    }
    FileChannel channel;
    FileLock lock;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      heldHere.remove(file);
      throw e;
    }
    if (lock == null) {
      channel.close();
      heldHere.remove(file);
      throw new IOException("the PostgreSQL data directory " + dataDirectory + " is in use by another process"
          + holder(file) + ", which holds the lock on " + file + "; stop it first");
    }
    // For whoever looks: which process holds it.
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
    return new DataDirectoryLock(file, channel, lock);
  }

  /** " (pid N)" when the lock file says which process holds it. */
  private static String holder(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
      return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  Path file() {
    return file;
  }

  /** Releases the lock; the file stays (removing it would race with a process opening it). */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
      heldHere.remove(file);
    }
  }
}
