package io.redisbackup.instanceclient.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Redis Cluster as one of its nodes sees it ({@code CLUSTER NODES}): its shards, each a master with the slots it
 * serves and its replicas. Read from the text the server gives, which every version since 3.0 writes the same way:
 * {@code <id> <ip:port@cport[,hostname]> <flags> <master id or -> <ping> <pong> <epoch> <link> <slot or range> ...}.
 * Nodes that have failed, are being added (handshake) or have no address are left out of the shards and named in
 * {@link #problems}; a topology whose masters do not serve all 16,384 slots says so there too. Slots being moved
 * from one master to another (resharding) are named in {@code moving}: their keys may lie on either master.
 */
public record ClusterTopology(List<Shard> shards, List<String> problems, List<String> moving) {

    /** A node's address. */
    public record Node(String id, String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A range of slots, both ends included. */
    public record SlotRange(int first, int last) {
        public int count() {
            return last - first + 1;
        }
    }

    /** A master, the slots it serves (in order), and its replicas that are up. */
    public record Shard(Node master, List<SlotRange> slots, List<Node> replicas) {

        public int slotCount() {
            return slots.stream().mapToInt(SlotRange::count).sum();
        }

        public boolean serves(int slot) {
            return slots.stream().anyMatch(r -> slot >= r.first() && slot <= r.last());
        }
    }

    /** Whether every slot is served, and by a master that is up. */
    public boolean complete() {
        return problems.isEmpty();
    }

    /** Whether every slot is served by a master that is up, and none is being moved. */
    public boolean steady() {
        return problems.isEmpty() && moving.isEmpty();
    }

    /** Which slots each shard's master serves, in the shards' order: what a task's start and end must agree on. */
    public List<List<SlotRange>> slotMap() {
        return shards.stream().map(Shard::slots).toList();
    }

    /** What keeps the topology from being {@link #steady}, in words; empty when it is. */
    public String unsteadiness() {
        List<String> all = new ArrayList<>(problems);
        moving.forEach(m -> all.add("slot " + m));
        return String.join("; ", all);
    }

    /** The shard that serves the slot. */
    public Optional<Shard> shardOf(int slot) {
        return shards.stream().filter(s -> s.serves(slot)).findFirst();
    }

    /**
     * Reads {@code CLUSTER NODES}' reply, as {@code askedHost} gave it; IllegalArgumentException for text that is not
     * such a reply. A node that does not know its own address (an empty host) is at {@code askedHost}.
     */
    public static ClusterTopology parse(String clusterNodes, String askedHost) {
        Map<String, Node> masters = new LinkedHashMap<>();
        Map<String, List<SlotRange>> slots = new LinkedHashMap<>();
        Map<String, List<Node>> replicas = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<String> moving = new ArrayList<>();
        for (String line : clusterNodes.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            String[] f = line.split(" ");
            if (f.length < 8) {
                throw new IllegalArgumentException("not a CLUSTER NODES line: " + shorten(line));
            }
            String id = f[0];
            List<String> flags = List.of(f[2].split(","));
            Node node = address(id, f[1], askedHost);
            boolean down = flags.contains("fail") || flags.contains("handshake") || flags.contains("noaddr")
                    || !"connected".equals(f[7]) && !flags.contains("myself");
            if (flags.contains("master")) {
                if (down) {
                    problems.add("master " + node + " is " + (flags.contains("fail") ? "failed" : "not reachable")
                            + " (" + f[2] + ", " + f[7] + ")");
                    continue;
                }
                masters.put(id, node);
                List<SlotRange> served = new ArrayList<>();
                for (int i = 8; i < f.length; i++) {
                    if (f[i].startsWith("[")) {
                        // a slot being migrated or imported: still served by this master, its keys on both
                        moving.add(f[i].substring(1, f[i].length() - (f[i].endsWith("]") ? 1 : 0))
                                .replace("->-", " moving to node ").replace("-<-", " coming from node ")
                                + " (at " + node + ")");
                        continue;
                    }
                    served.add(range(f[i]));
                }
                served.sort(Comparator.comparingInt(SlotRange::first));
                slots.put(id, served);
            } else if (flags.contains("slave") || flags.contains("replica")) {
                if (!down && !"-".equals(f[3])) {
                    replicas.computeIfAbsent(f[3], k -> new ArrayList<>()).add(node);
                }
            }
        }
        List<Shard> shards = new ArrayList<>();
        for (Map.Entry<String, Node> master : masters.entrySet()) {
            List<SlotRange> served = slots.get(master.getKey());
            if (served.isEmpty()) {
                continue; // a master without slots holds no data
            }
            shards.add(new Shard(master.getValue(), List.copyOf(served),
                    List.copyOf(replicas.getOrDefault(master.getKey(), List.of()))));
        }
        shards.sort(Comparator.comparingInt(s -> s.slots().get(0).first()));
        int covered = shards.stream().mapToInt(Shard::slotCount).sum();
        if (covered != HashSlots.COUNT) {
            problems.add("the masters serve " + covered + " of the " + HashSlots.COUNT + " slots");
        }
        return new ClusterTopology(List.copyOf(shards), List.copyOf(problems), List.copyOf(moving));
    }

    /** {@code ip:port@cport[,hostname]}; an empty ip (a node that does not know its own) is the one asked. */
    private static Node address(String id, String field, String askedHost) {
        String hostPort = field.split("@", 2)[0];
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a node address: " + shorten(field));
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = askedHost;
        }
        try {
            return new Node(id, host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a node address: " + shorten(field), e);
        }
    }

    private static SlotRange range(String field) {
        try {
            int dash = field.indexOf('-');
            int first = Integer.parseInt(dash < 0 ? field : field.substring(0, dash));
            int last = dash < 0 ? first : Integer.parseInt(field.substring(dash + 1));
            if (first < 0 || last >= HashSlots.COUNT || last < first) {
                throw new IllegalArgumentException("not a slot range: " + shorten(field));
            }
            return new SlotRange(first, last);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a slot range: " + shorten(field), e);
        }
    }

    private static String shorten(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
