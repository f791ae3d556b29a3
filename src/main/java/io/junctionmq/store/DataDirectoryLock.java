package io.junctionmq.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive right of one process to run PostgreSQL on a data directory, held from before
 * a leftover server is looked for until the server is stopped, across its restarts: a lock on
 * the file {@code <data directory>.lock} beside it (not in it: {@code initdb} wants an empty
 * directory). The operating system releases it when the process dies, however it dies, so a
 * broker that finds it free knows that whatever runs on the directory has no live owner.
 */
final class DataDirectoryLock implements AutoCloseable {
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
    Path file = file(dataDirectory);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("the PostgreSQL data directory " + dataDirectory
          + " is in use by another process (it holds " + file + "); stop it first");
    }
    // For whoever looks: which process holds it.
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
    return new DataDirectoryLock(file, channel, lock);
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
    }
  }
}
