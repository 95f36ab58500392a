package io.redisbackup.backupstore;

import java.io.IOException;
import java.io.OutputStream;

/** A backup being written. Either {@link #publish} or {@link #discard} ends it; closing it discards it unless published. */
public interface StagedBackup extends AutoCloseable {

    /** A new file of the backup, to write from start to end; it is on the disk once the stream is closed. */
    OutputStream create(String file) throws IOException;

    /**
     * {@link #create} for one of {@code atOnce} files that arrive together, each written on a thread of its own (a
     * cluster's shards): a store that would do its work on a thread of its own beside the writer's (compressing and
     * sealing) does it on the writer's when those threads are already as many as the machine's cores, where a thread
     * more would only take turns with them.
     */
    default OutputStream create(String file, int atOnce) throws IOException {
        return create(file);
    }

    /**
     * Makes the backup visible with this manifest, at once and whole; returns the manifest as stored (with how its
     * files are stored and the bytes they take).
     */
    Manifest publish(Manifest manifest) throws IOException;

    /** Throws away what was written. */
    void discard() throws IOException;

    @Override
    void close() throws IOException;
}
