package io.redisbackup.backupstore.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;

/**
 * A stored file read whole, object after object ({@link StoredObjects}), each by one GET; the GET of the next object
 * is sent while this one is read, so that its first byte does not wait a round trip. Each object must hold as many
 * bytes as the file's size says: one cut short, or longer, is a damaged backup.
 */
final class ObjectsInputStream extends InputStream {

    /** Sends the GET of an object: its bytes as they arrive. */
    interface Opener {
        InputStream open(String key) throws IOException;
    }

    private final StoredObjects objects;
    private final Opener opener;
    private final ExecutorService getters;
    private InputStream current;
    /** The object {@link #current} is, and how many of its bytes were read. */
    private int index = -1;
    private long readInObject;
    private Future<InputStream> following;
    private boolean closed;

    /** @param getters where the GET of the next object is sent from */
    ObjectsInputStream(StoredObjects objects, Opener opener, ExecutorService getters) {
        this.objects = objects;
        this.opener = opener;
        this.getters = getters;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("The stream is closed");
        }
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (current == null && !next()) {
                return -1;
            }
            int n = current.read(bytes, offset, length);
            if (n >= 0) {
                readInObject += n;
                if (readInObject > objects.length(index)) {
                    throw cutShort("longer");
                }
                return n;
            }
            if (readInObject != objects.length(index)) {
                throw cutShort("shorter");
            }
            current.close();
            current = null;
        }
    }

    private DamagedBackupException cutShort(String how) {
        return new DamagedBackupException("Object " + objects.key(index) + " is " + how + " than the "
                + objects.length(index) + " bytes the backup's manifest gives it");
    }

    /** Opens the next object, and sends the GET of the one after it; false after the last. */
    private boolean next() throws IOException {
        if (index + 1 == objects.count()) {
            return false;
        }
        index++;
        readInObject = 0;
        current = following != null ? await(following) : opener.open(objects.key(index));
        following = null;
        if (index + 1 < objects.count()) {
            String after = objects.key(index + 1);
            following = getters.submit(() -> opener.open(after));
        }
        return true;
    }

    private static InputStream await(Future<InputStream> get) throws IOException {
        try {
            return get.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while reading from object storage");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (InputStream closing = current) {
            if (following != null && !following.cancel(true)) { // sent already: its answer is closed
                try {
                    await(following).close();
                } catch (IOException e) {
                    // the GET sent ahead failed: nothing of it to close
                }
            }
        }
    }
}
