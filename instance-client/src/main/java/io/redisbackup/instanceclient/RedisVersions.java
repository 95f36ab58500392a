package io.redisbackup.instanceclient;

/** Which RDB versions a Redis server can load: a server never loads a newer format than its own. */
public final class RedisVersions {

    private RedisVersions() {
    }

    /** The newest RDB version the server of this version writes and reads; 0 when the version cannot be read. */
    public static int maxRdbVersion(String redisVersion) {
        String[] parts = redisVersion == null ? new String[0] : redisVersion.strip().split("\\.");
        int major;
        int minor;
        try {
            major = Integer.parseInt(parts[0]);
            minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return 0;
        }
        int version = major * 100 + minor;
        if (version >= 704) {
            return 12;
        }
        if (version >= 702) {
            return 11;
        }
        if (version >= 700) {
            return 10;
        }
        if (version >= 500) {
            return 9;
        }
        if (version >= 400) {
            return 8;
        }
        if (version >= 302) {
            return 7;
        }
        return 6;
    }
}
