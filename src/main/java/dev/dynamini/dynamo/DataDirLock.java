package dev.dynamini.dynamo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An operating-system lock on {@code DATA_DIR/dynamini.lock}, held for the life of the process.
 *
 * <p>Two processes on one SQLite file answer "database is locked", lose acknowledged writes and can
 * wedge each other; so a second dynamini on the same {@code DATA_DIR} refuses to start. The OS
 * releases the lock when the process dies, however it dies (SIGKILL included), so a crash never
 * leaves a stale lock behind. Taking the lock also proves the directory writable before DynamoDB
 * Local opens its file there (an unwritable directory made it retry forever).
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "dynamini.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the directory if needed and takes its lock, or explains in one line why not. */
    static DataDirLock acquire(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("DATA_DIR: cannot create " + dir + " (" + describe(e) + ")", e);
        }
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StartupException("DATA_DIR: " + dir + " is not writable (" + describe(e) + ")", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already
        } catch (IOException e) {
            close(channel);
            throw new StartupException("DATA_DIR: cannot lock " + file + " (" + describe(e) + ")", e);
        }
        if (lock == null) {
            String holder = holder(channel);
            close(channel);
            throw new StartupException("DATA_DIR: " + dir + " is in use by another dynamini process"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; one process owns a DATA_DIR");
        }
        Path database = dir.resolve(DynamoConnection.DATABASE_FILE);
        if (Files.exists(database) && !Files.isWritable(database)) {
            release(channel, lock);
            throw new StartupException("DATA_DIR: " + database + " is not writable");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
        } catch (IOException e) {
            release(channel, lock);
            throw new StartupException("DATA_DIR: " + dir + " is not writable (" + describe(e) + ")", e);
        }
        return new DataDirLock(channel, lock);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            int read = channel.read(buffer, 0);
            return read <= 0 ? "" : new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void release(FileChannel channel, FileLock lock) {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the process is about to exit
        }
    }

    @Override
    public void close() {
        release(channel, lock);
    }
}
