package io.redisbackup.backupstore;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import io.redisbackup.backupstore.s3.S3BackupStore;
import io.redisbackup.backupstore.sealed.BackupKeys;
import io.redisbackup.backupstore.sealed.SealedBackupStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Makes the backup store the settings name. */
public final class BackupStores {

    private BackupStores() {
    }

    public static SealedBackupStore open(BackupStoreConfig config) throws IOException {
        BackupStore files = switch (config.kind()) {
            case LOCAL -> new LocalDirectoryBackupStore(config.directory().orElseThrow(
                    () -> new IllegalArgumentException("backup-store.directory is needed for the local store")));
            case S3 -> s3(config.s3(), config.encryption().enabled());
        };
        return new SealedBackupStore(files, sealing(config));
    }

    private static SealedBackupStore.Settings sealing(BackupStoreConfig config) {
        Optional<BackupKeys> keys = Optional.empty();
        if (config.encryption().enabled()) {
            keys = Optional.of(BackupKeys.parse(config.encryption().keys().orElseThrow(
                    () -> new IllegalArgumentException("backup-store.encryption.keys is needed: backups are "
                            + "encrypted unless backup-store.encryption.enabled=false"))));
        }
        return new SealedBackupStore.Settings(keys, zstdLevel(config), config.frameSize(),
                config.compression().adaptive());
    }

    /** The zstd level new backups are compressed at; empty when they are not compressed. */
    static Optional<Integer> zstdLevel(BackupStoreConfig config) {
        return config.compression().enabled() ? Optional.of(config.compression().level()) : Optional.empty();
    }

    /**
     * @param sealed whether every stored frame carries its own AES-GCM tag: then the client needs neither signed
     *               bodies nor checksums of its own ({@link S3BackupStore#forSealedBackups})
     */
    private static S3BackupStore s3(BackupStoreConfig.S3 settings, boolean sealed) {
        String bucket = settings.bucket().orElseThrow(
                () -> new IllegalArgumentException("backup-store.s3.bucket is needed for the s3 store"));
        String prefix = settings.prefix().orElse("");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        keepConnections(2 * (settings.readsInFlight() + settings.partsInFlight()));
        // the client and the presigner of its ranged GETs reach the same place as the same principal
        Region region = Region.of(settings.region());
        AwsCredentialsProvider credentials = credentials(settings);
        S3Configuration addressing = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
        S3ClientBuilder client = S3Client.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(addressing).httpClient(UrlConnectionHttpClient.create());
        S3Presigner.Builder presigner = S3Presigner.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(addressing);
        if (sealed) {
            S3BackupStore.forSealedBackups(client);
        }
        settings.endpoint().map(URI::create).ifPresent(endpoint -> {
            client.endpointOverride(endpoint);
            presigner.endpointOverride(endpoint);
        });
        return new S3BackupStore(client.build(), presigner.build(), bucket, prefix,
                new S3BackupStore.Uploads(settings.partSize(), settings.partsInFlight(),
                        settings.readsInFlight(), settings.readGap()));
    }

    /**
     * The JDK's HTTP client keeps 5 idle connections to a server unless {@code http.maxConnections} says otherwise
     * (read once, when it first keeps one): fewer than a keys recovery's ranged GETs in flight, so that the
     * connections of the GETs beyond the fifth were closed rather than kept. Unless the JVM was given its own value,
     * it keeps as many as two tasks' requests at once.
     */
    private static void keepConnections(int connections) {
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(connections));
        }
    }

    private static AwsCredentialsProvider credentials(BackupStoreConfig.S3 settings) {
        if (settings.accessKeyId().isPresent() != settings.secretAccessKey().isPresent()) {
            throw new IllegalArgumentException("backup-store.s3.access-key-id and secret-access-key go together");
        }
        if (settings.accessKeyId().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
                    settings.secretAccessKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
