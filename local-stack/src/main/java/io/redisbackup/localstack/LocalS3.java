package io.redisbackup.localstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The stack's S3-compatible object storage ({@code ./stack up --storage s3}): s3proxy keeping its objects as files in
 * the given folder, on a loopback port, with signed requests only, and the bucket made when it is missing. Runs until
 * it is stopped (SIGTERM).
 *
 * <p>Usage: {@code LocalS3 <folder> <port> <bucket> <access-key> <secret-key-file>}
 */
public final class LocalS3 {

    private LocalS3() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: LocalS3 <folder> <port> <bucket> <access-key> <secret-key-file>");
            System.exit(2);
        }
        Path folder = Files.createDirectories(Path.of(args[0]));
        String bucket = args[2];
        BlobStore objects = new FilesystemNio2BlobStore(folder.toString());
        if (!objects.containerExists(bucket)) {
            objects.createContainer(bucket);
        }
        S3Proxy proxy = S3Proxy.builder().blobStore(objects)
                .endpoint(URI.create("http://127.0.0.1:" + args[1]))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, args[3], Files.readString(Path.of(args[4])).strip())
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.stop();
            } catch (Exception e) {
                // stopping anyway
            }
            stopped.countDown();
        }, "local-s3-stop"));
        proxy.start();
        System.out.println("S3-compatible storage on http://127.0.0.1:" + args[1] + ", bucket " + bucket + ", in " + folder);
        stopped.await();
    }
}
