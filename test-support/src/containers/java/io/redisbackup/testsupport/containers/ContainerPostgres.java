package io.redisbackup.testsupport.containers;

import org.testcontainers.postgresql.PostgreSQLContainer;

import io.redisbackup.testsupport.TestServers;

/** PostgreSQL in a container, one for the whole test JVM (Testcontainers' Ryuk removes it at the end). */
public final class ContainerPostgres implements TestServers.Postgres {

    private static final PostgreSQLContainer CONTAINER = start();

    private static PostgreSQLContainer start() {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine")
                .withUsername("postgres").withPassword("postgres").withDatabaseName("postgres");
        container.start();
        return container;
    }

    @Override
    public String serverUrl() {
        return "jdbc:postgresql://" + CONTAINER.getHost() + ":" + CONTAINER.getMappedPort(5432) + "/";
    }

    @Override
    public String user() {
        return CONTAINER.getUsername();
    }

    @Override
    public String password() {
        return CONTAINER.getPassword();
    }
}
