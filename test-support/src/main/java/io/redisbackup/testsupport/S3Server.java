package io.redisbackup.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A real S3-compatible server in the test JVM (s3proxy), with signed requests, and a client of it. It keeps its
 * objects in memory ({@link #start()}), or as plain files in a folder ({@link #onDisk}), where a test can reach the
 * stored bytes as a damaged disk would. Modules that use it depend on s3proxy themselves (test-support's dependency
 * on it is optional: it is large).
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret";

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    private static final S3Configuration PATH_STYLE = S3Configuration.builder().pathStyleAccessEnabled(true).build();

    private final S3Proxy proxy;
    private final S3Client client;
    private final S3Presigner presigner;

    private S3Server(S3Proxy proxy, S3Client client, S3Presigner presigner) {
        this.proxy = proxy;
        this.client = client;
        this.presigner = presigner;
    }

    /** Objects in memory. */
    public static S3Server start() throws Exception {
        return start(new TransientNio2BlobStore());
    }

    /** Objects as files: {@code <folder>/<bucket>/<key>}. */
    public static S3Server onDisk(Path folder) throws Exception {
        return start(new FilesystemNio2BlobStore(folder.toString()));
    }

    private static S3Server start(BlobStore objects) throws Exception {
        S3Proxy proxy = S3Proxy.builder().blobStore(objects)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!"STARTED".equals(proxy.getState())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        S3Presigner presigner = S3Presigner.builder().endpointOverride(endpointOf(proxy.getPort()))
                .region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).serviceConfiguration(PATH_STYLE).build();
        return new S3Server(proxy, clientOf(proxy.getPort()).build(), presigner);
    }

    private static URI endpointOf(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static S3ClientBuilder clientOf(int port) {
        return S3Client.builder().endpointOverride(endpointOf(port)).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).serviceConfiguration(PATH_STYLE)
                .httpClient(UrlConnectionHttpClient.create());
    }

    /** How {@link #client} is made, for a test that needs a client of its own (the caller closes it). */
    public S3ClientBuilder clientBuilder() {
        return clientOf(proxy.getPort());
    }

    public S3Client client() {
        return client;
    }

    /** Presigns requests as {@link #client} signs them. */
    public S3Presigner presigner() {
        return presigner;
    }

    /** Where a service reaches it. */
    public String endpoint() {
        return endpointOf(proxy.getPort()).toString();
    }

    /** Makes a bucket; its name. */
    public String bucket(String name) {
        client.createBucket(CreateBucketRequest.builder().bucket(name).build());
        return name;
    }

    @Override
    public void close() throws Exception {
        client.close();
        presigner.close();
        proxy.stop();
    }
}
