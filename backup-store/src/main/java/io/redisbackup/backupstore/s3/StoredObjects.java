package io.redisbackup.backupstore.s3;

import java.util.function.Function;

/**
 * The objects one stored file is kept as: objects of {@code objectBytes} each, {@code <file's key>.000000},
 * {@code .000001}, ..., the last one shorter (an empty file: one empty object); or, for backups stored before that,
 * one object under the file's own key. Which object holds a byte, and where in it; each object's ranged GETs made
 * when it is first read ({@link PresignedGets}: signed then, once per object).
 */
final class StoredObjects {

    private final String key;
    private final long size;
    private final long objectBytes;
    private final boolean single;
    private final Function<String, PresignedGets> signer;
    private final PresignedGets[] gets;

    /**
     * @param objectBytes the size of each object; null: the file is the one object {@code key}
     * @param signer the ranged GETs of an object, by its key
     */
    StoredObjects(String key, long size, Long objectBytes, Function<String, PresignedGets> signer) {
        this.key = key;
        this.size = size;
        this.single = objectBytes == null;
        this.objectBytes = single ? Math.max(1, size) : objectBytes;
        this.signer = signer;
        this.gets = new PresignedGets[count()];
    }

    /** The key of object {@code index} of the file {@code fileKey}. */
    static String key(String fileKey, int index) {
        return fileKey + "." + String.format("%06d", index);
    }

    long size() {
        return size;
    }

    /** How many objects the file is kept as: at least one, an empty file's empty. */
    int count() {
        return single ? 1 : Math.toIntExact(Math.max(1, (size + objectBytes - 1) / objectBytes));
    }

    /** The key of object {@code index}. */
    String key(int index) {
        return single ? key : key(key, index);
    }

    /** How many bytes object {@code index} holds. */
    long length(int index) {
        return single ? size : Math.min(objectBytes, size - index * objectBytes);
    }

    /** The object that holds the byte at {@code position}. */
    int indexOf(long position) {
        return (int) (position / objectBytes);
    }

    /** Where in the file object {@code index} starts. */
    long start(int index) {
        return index * objectBytes;
    }

    /** The ranged GETs of object {@code index}. */
    synchronized PresignedGets gets(int index) {
        if (gets[index] == null) {
            gets[index] = signer.apply(key(index));
        }
        return gets[index];
    }
}
