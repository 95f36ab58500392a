package io.redisbackup.testsupport.containers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import io.redisbackup.testsupport.TestServers;

/**
 * redis-server in a container, with the arguments a local one gets; its folder (the RDB a test saves or loads, the
 * log) is the test's folder, mounted. DEBUG is allowed from anywhere: the tests' connections come through Docker's
 * network, not from the container's own loopback.
 */
public final class ContainerRedis implements TestServers.Redis {

    private static final int PORT = 6379;

    @Override
    public TestServers.Launched launch(String password, Path dir, String... extraConfig) {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(PORT),
                "--bind", "0.0.0.0", "--protected-mode", "no", "--requirepass", password,
                "--save", "", "--appendonly", "no", "--dbfilename", "dump.rdb",
                "--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0",
                "--dir", "/data", "--logfile", "/data/redis.log"));
        command.addAll(List.of(extraConfig));
        GenericContainer<?> container = new GenericContainer<>("redis:7.4")
                .withExposedPorts(PORT)
                .withFileSystemBind(dir.toString(), "/data", BindMode.READ_WRITE)
                .withCommand(command.toArray(String[]::new))
                .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofSeconds(60)));
        container.start();
        return new Launched(container);
    }

    private record Launched(GenericContainer<?> container) implements TestServers.Launched {

        @Override
        public String host() {
            return container.getHost();
        }

        @Override
        public int port() {
            return container.getMappedPort(PORT);
        }

        @Override
        public boolean isAlive() {
            return container.isRunning();
        }

        @Override
        public boolean awaitReady() {
            return container.isRunning(); // the start waited for the port
        }

        @Override
        public void stop() {
            container.stop();
        }
    }
}
