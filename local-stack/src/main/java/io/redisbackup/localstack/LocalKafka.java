package io.redisbackup.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * The stack's Apache Kafka broker: one node in KRaft mode (broker and controller), from the Kafka jars, its data in
 * the given folder. It writes the broker's configuration there ({@code server.properties}, for anyone who wants to
 * read it), formats the storage the first time (a cluster id of {@link Uuid#randomUuid}, never one a tool would take
 * for an option), keeps the cluster id of a folder formatted before, and runs the broker until it is stopped
 * (SIGTERM).
 *
 * <p>Usage: {@code LocalKafka <folder> <port> <controller-port>}
 */
public final class LocalKafka {

    private static final int NODE_ID = 1;

    private LocalKafka() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LocalKafka <folder> <port> <controller-port>");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        Properties properties = properties(folder.resolve("data"), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Files.createDirectories(folder.resolve("data"));
        try (OutputStream out = Files.newOutputStream(folder.resolve("server.properties"))) {
            properties.store(out, "written by LocalKafka (./stack)");
        }
        format(folder.resolve("data"), clusterId(folder.resolve("data")));
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
            stopped.countDown();
        }, "local-kafka-stop"));
        server.startup();
        System.out.println("Kafka is up on 127.0.0.1:" + args[1]);
        stopped.await();
    }

    /** The broker's configuration: one node, plain listeners on loopback, topics made on first use. */
    static Properties properties(Path data, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", data.toString());
        // records are keyed by instance: 24 partitions let up to 24 worker processes of a kind share a fleet's tasks
        p.put("num.partitions", "24");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        // the controller appends a no-op record to the metadata log every 500 ms unless told otherwise, so that
        // brokers can tell a stale controller: a third of an idle broker's CPU on one node with no other broker
        p.put("metadata.max.idle.interval.ms", "5000");
        return p;
    }

    /** The cluster id a formatted folder has, else a new one. */
    static String clusterId(Path data) throws IOException {
        Path meta = data.resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties formatted = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                formatted.load(in);
            }
            String id = formatted.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    /** Formats the folder for this node; one formatted before is left as it is. */
    static void format(Path data, String clusterId) throws Exception {
        new Formatter()
                .setClusterId(clusterId)
                .setNodeId(NODE_ID)
                .setIgnoreFormatted(true)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(data.toString())
                .addDirectory(data.toString())
                .setPrintStream(System.out)
                .run();
    }
}
