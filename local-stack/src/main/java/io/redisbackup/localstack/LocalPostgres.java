package io.redisbackup.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The stack's PostgreSQL database. When a server answers on the machine ({@code 127.0.0.1}, user
 * {@code postgres}), the database is created there if missing and this program exits. Otherwise it starts an
 * embedded, real PostgreSQL whose data stays in the given folder, and runs until it is stopped (SIGTERM), stopping
 * PostgreSQL with it. Either way it writes the JDBC URL to the given file once the database can be used.
 *
 * <p>Usage: {@code LocalPostgres <url-file> <data-dir> <machine-port> <embedded-port> <database>}
 */
public final class LocalPostgres implements AutoCloseable {

    private static final String USER = "postgres";

    private final String jdbcUrl;
    private final EmbeddedPostgres embedded;

    private LocalPostgres(String jdbcUrl, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.embedded = embedded;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: LocalPostgres <url-file> <data-dir> <machine-port> <embedded-port> <database>");
            System.exit(2);
        }
        Path urlFile = Path.of(args[0]);
        Files.deleteIfExists(urlFile);
        LocalPostgres postgres = provide(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4]);
        if (!postgres.isEmbedded()) {
            publish(urlFile, postgres.jdbcUrl());
            System.out.println("Using the machine's PostgreSQL: " + postgres.jdbcUrl());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.close();
            stopped.countDown();
        }, "stop-embedded-postgres"));
        publish(urlFile, postgres.jdbcUrl());
        System.out.println("Embedded PostgreSQL is ready: " + postgres.jdbcUrl());
        stopped.await();
    }

    /**
     * The database on the machine's server at {@code machinePort} when one answers there, else on an embedded
     * server started on {@code embeddedPort} with its data in {@code dataDir}.
     */
    public static LocalPostgres provide(Path dataDir, int machinePort, int embeddedPort, String database)
            throws IOException, SQLException {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Not a plain database name: " + database);
        }
        String machine = serverUrl(machinePort);
        if (reachable(machine + "postgres")) {
            createDatabaseIfMissing(machine + "postgres", database);
            return new LocalPostgres(machine + database, null);
        }
        System.out.println("No PostgreSQL on 127.0.0.1:" + machinePort + "; starting an embedded one on port "
                + embeddedPort + " with its data in " + dataDir);
        Files.createDirectories(dataDir);
        EmbeddedPostgres embedded = EmbeddedPostgres.builder()
                .setPort(embeddedPort)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        String server = serverUrl(embeddedPort);
        createDatabaseIfMissing(server + "postgres", database);
        return new LocalPostgres(server + database, embedded);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** Stops the embedded server; the machine's server is not ours to stop. */
    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                System.err.println("Stopping the embedded PostgreSQL failed: " + e.getMessage());
            }
        }
    }

    private static String serverUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/";
    }

    private static boolean reachable(String url) {
        DriverManager.setLoginTimeout(3);
        try (Connection ignored = DriverManager.getConnection(url, USER, "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void createDatabaseIfMissing(String adminUrl, String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(adminUrl, USER, "");
                PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, database);
            if (!exists.executeQuery().next()) {
                try (Statement create = connection.createStatement()) {
                    create.execute("create database " + database);
                }
            }
        }
    }

    /** Written to a temporary file and moved, so a reader never sees half a URL. */
    private static void publish(Path urlFile, String url) throws IOException {
        Path partial = urlFile.resolveSibling(urlFile.getFileName() + ".partial");
        Files.writeString(partial, url + "\n");
        Files.move(partial, urlFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
