package io.redisbackup.apigateway.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The gateway's own settings, under {@code gateway.}. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Base64 of the 32-byte key that seals instance passwords; the workers hold the same key. */
    String secretKey();

    /** How long registering an instance waits for it to answer. */
    @WithDefault("5s")
    Duration instanceCheckTimeout();

    /** The folder of the backup store the backup worker writes (downloads are served from it). */
    Path backupDirectory();

    /** The backup policy a new instance gets: every day, in this period and time zone, kept this long. */
    DefaultPolicy defaultPolicy();

    /** How often expired backups are looked for. */
    @WithDefault("1m")
    Duration retentionInterval();

    /** How many wrong recovery passwords an instance takes in a window before further tries are refused (429). */
    PasswordAttempts passwordAttempts();

    interface PasswordAttempts {
        @WithDefault("5")
        int max();

        @WithDefault("15m")
        Duration window();
    }

    interface DefaultPolicy {
        /** Whether a new instance is backed up automatically until its owner says otherwise. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("02:00-03:00")
        String timePeriod();

        @WithDefault("UTC")
        String timezone();

        @WithDefault("7")
        int retentionDays();
    }
}
