package io.redisbackup.testsupport;

import java.nio.file.Path;

/**
 * Where the tests' servers come from. By default, and on every machine of ours: Kafka in the test JVM
 * ({@link KafkaBrokerResource}), the machine's PostgreSQL ({@link PostgresDatabaseResource}) and redis-server
 * processes ({@link RedisServer}); nothing needs Docker. With the Maven profile {@code -Pcontainers} (system property
 * {@value #PROPERTY}{@code =containers}) the same three come from Testcontainers instead, for machines with Docker:
 * the classes in test-support's {@code src/containers} are compiled into the module only in that profile, and are
 * found here by name.
 */
public final class TestServers {

    public static final String PROPERTY = "redisbackup.test-servers";
    private static final String CONTAINERS = "io.redisbackup.testsupport.containers.";

    private TestServers() {
    }

    public static boolean inContainers() {
        return "containers".equals(System.getProperty(PROPERTY));
    }

    /** A Kafka broker somewhere: started, paused (an outage on the same address) and resumed. */
    public interface Kafka {
        /** Starts it; its bootstrap servers. */
        String start();

        void pause();

        void resume();

        void stop();
    }

    /** A PostgreSQL server somewhere, shared by the tests of the JVM. */
    public interface Postgres {
        /** {@code jdbc:postgresql://host:port/} */
        String serverUrl();

        String user();

        String password();
    }

    /** Starts redis-server somewhere, with these arguments, its data and log in {@code dir}. */
    public interface Redis {
        Launched launch(String password, Path dir, String... extraConfig);
    }

    /** A started redis-server. */
    public interface Launched {
        String host();

        int port();

        boolean isAlive();

        /** Waits until it answers; false when it does not in time. */
        boolean awaitReady();

        void stop();
    }

    static Kafka kafka() {
        return load(Kafka.class, "ContainerKafka");
    }

    static Postgres postgres() {
        return load(Postgres.class, "ContainerPostgres");
    }

    static Redis redis() {
        return load(Redis.class, "ContainerRedis");
    }

    private static <T> T load(Class<T> type, String name) {
        try {
            return type.cast(Class.forName(CONTAINERS + name).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The tests were asked for servers in containers (" + PROPERTY
                    + "=containers), but test-support was not built with them: build with -Pcontainers", e);
        }
    }
}
