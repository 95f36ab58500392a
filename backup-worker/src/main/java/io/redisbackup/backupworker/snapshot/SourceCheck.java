package io.redisbackup.backupworker.snapshot;

import java.util.Map;
import java.util.Optional;

/**
 * What could hurt an instance if its snapshot started now, judged from what the server says of itself; pure, so that
 * every rule is tested on its own. Two hazards:
 * <ul>
 * <li><b>The fork's memory.</b> The server forks to write its snapshot, and every page written while the child lives
 * is copied. The copy must fit beside what the server holds now ({@code used_memory_rss}) in the memory its machine
 * has ({@code total_system_memory}, or the owner's limit for a container, which the server cannot see); the copy is
 * taken as {@code forkReserve} of {@code used_memory} (a quarter by default, the share the cloud consoles reserve for
 * it). Without a fit the kernel refuses the fork or kills a process, the server's or another's.</li>
 * <li><b>The replica buffer.</b> A server that does not take {@code REPLCONF rdb-only} (before Redis 7) keeps every
 * write made during the transfer in its output buffer for us, and cuts the link once that passes the replica's
 * {@code client-output-buffer-limit} (the hard limit, or the soft limit for its seconds): the backup fails after the
 * fork has been paid for, and a retry fails the same way. The writes are taken at the server's current input rate
 * ({@code instantaneous_input_kbps}) for as long as the transfer is expected to take.</li>
 * </ul>
 */
public final class SourceCheck {

    private SourceCheck() {
    }

    /**
     * @param memoryInfo the server's {@code INFO memory}
     * @param memoryLimitBytes the owner's limit of the instance's machine or container; null when not set
     * @param forkReserve the share of {@code used_memory} the fork may copy; 0 checks nothing
     * @return why the snapshot would not fit, or empty
     */
    public static Optional<SnapshotFailure> forkMemory(Map<String, String> memoryInfo, Long memoryLimitBytes,
            double forkReserve) {
        long used = number(memoryInfo.get("used_memory"));
        long rss = Math.max(number(memoryInfo.get("used_memory_rss")), used);
        long machine = number(memoryInfo.get("total_system_memory"));
        long limit = smallestKnown(machine, memoryLimitBytes == null ? 0 : memoryLimitBytes);
        if (limit <= 0 || forkReserve <= 0 || used <= 0) {
            return Optional.empty(); // nothing to weigh against
        }
        long copy = (long) Math.ceil(used * forkReserve);
        if (rss + copy <= limit) {
            return Optional.empty();
        }
        String where = memoryLimitBytes != null && memoryLimitBytes == limit
                ? "the " + mib(limit) + " its machine or container may use (the instance's memoryLimitBytes)"
                : "the " + mib(limit) + " of its machine (total_system_memory)";
        long maxmemory = number(memoryInfo.get("maxmemory"));
        return Optional.of(new SnapshotFailure(SnapshotFailure.SOURCE_MEMORY_LOW, String.format(
                "Not enough memory for the snapshot's fork: the server holds %s (used_memory_rss) of %s, and while "
                        + "the snapshot is written it may copy up to %s more (%d%% of its %s of data). Nothing was "
                        + "started. Free memory on its machine, lower its maxmemory (now %s), raise the instance's "
                        + "memoryLimitBytes if it is wrong, or back it up from a replica.",
                mib(rss), where, mib(copy), Math.round(forkReserve * 100), mib(used),
                maxmemory == 0 ? "none" : mib(maxmemory))));
    }

    /** A replica's {@code client-output-buffer-limit}: hard bytes, soft bytes, soft seconds; 0 for none. */
    public record BufferLimit(long hardBytes, long softBytes, long softSeconds) {

        /**
         * The replica class of {@code CONFIG GET client-output-buffer-limit}'s value ({@code "normal 0 0 0 slave
         * 268435456 67108864 60 pubsub ..."}; {@code replica} in some versions); empty when it is not there.
         */
        public static Optional<BufferLimit> parse(String config) {
            String[] words = config == null ? new String[0] : config.trim().split("\\s+");
            for (int i = 0; i + 3 < words.length; i += 4) {
                if (words[i].equalsIgnoreCase("slave") || words[i].equalsIgnoreCase("replica")) {
                    try {
                        return Optional.of(new BufferLimit(bytes(words[i + 1]), bytes(words[i + 2]),
                                Long.parseLong(words[i + 3])));
                    } catch (NumberFormatException | ArithmeticException e) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.empty();
        }

        /** A size as Redis writes it in its configuration: bytes, or with a unit (64mb, 1gb). */
        private static long bytes(String word) {
            String w = word.toLowerCase();
            long unit = 1;
            for (String[] u : new String[][] { { "kb", "1024" }, { "mb", "1048576" }, { "gb", "1073741824" },
                    { "k", "1000" }, { "m", "1000000" }, { "g", "1000000000" } }) {
                if (w.endsWith(u[0])) {
                    unit = Long.parseLong(u[1]);
                    w = w.substring(0, w.length() - u[0].length());
                    break;
                }
            }
            return Math.multiplyExact(Long.parseLong(w), unit);
        }
    }

    /**
     * @param limit the replica's buffer limit
     * @param writesPerSecond the bytes written to the server a second now
     * @param transferSeconds how long the snapshot is expected to take, fork to last byte
     * @return why the server would cut the link before the snapshot has arrived, or empty
     */
    public static Optional<SnapshotFailure> replicaBuffer(BufferLimit limit, double writesPerSecond,
            double transferSeconds) {
        if (writesPerSecond <= 0 || transferSeconds <= 0) {
            return Optional.empty();
        }
        double buffered = writesPerSecond * transferSeconds;
        String why = null;
        if (limit.hardBytes() > 0 && buffered >= limit.hardBytes()) {
            why = String.format("its hard limit of %s", mib(limit.hardBytes()));
        } else if (limit.softBytes() > 0 && buffered >= limit.softBytes()
                && transferSeconds - limit.softBytes() / writesPerSecond >= limit.softSeconds()) {
            why = String.format("its soft limit of %s for %d s", mib(limit.softBytes()), limit.softSeconds());
        }
        if (why == null) {
            return Optional.empty();
        }
        return Optional.of(new SnapshotFailure(SnapshotFailure.SOURCE_BUFFER_LIMIT, String.format(
                "The server would cut the snapshot's link before it arrived: it does not take REPLCONF rdb-only "
                        + "(Redis 7 and later do), so it keeps every write made during the transfer for us, about "
                        + "%s in the %.0f s the snapshot is expected to take at %s a second of writes, past %s "
                        + "(client-output-buffer-limit replica). Nothing was started. Raise that limit (CONFIG SET "
                        + "client-output-buffer-limit \"replica 0 0 0\" lifts it), back up at a quieter hour, or "
                        + "from a replica.",
                mib((long) buffered), transferSeconds, mib((long) writesPerSecond), why)));
    }

    private static long smallestKnown(long a, long b) {
        if (a <= 0) {
            return b;
        }
        return b <= 0 ? a : Math.min(a, b);
    }

    /** A number the server gave; 0 when it gave none, or something odd. */
    static long number(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            try {
                return Math.max(0, (long) Double.parseDouble(value.trim()));
            } catch (NumberFormatException again) {
                return 0;
            }
        }
    }

    private static String mib(long bytes) {
        return bytes >= 10L << 30 ? String.format("%.1f GiB", bytes / (double) (1L << 30))
                : String.format("%.1f MiB", bytes / (double) (1L << 20));
    }
}
