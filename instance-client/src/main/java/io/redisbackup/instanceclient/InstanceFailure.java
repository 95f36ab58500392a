package io.redisbackup.instanceclient;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Why an instance cannot be used, sorted once for every service: each maps the {@link Kind} to its own code. */
public final class InstanceFailure extends Exception {

    public enum Kind {
        /** Nothing answers at the endpoint, or not in time. */
        UNREACHABLE,
        /** The instance refused the user name or password. */
        AUTH_FAILED,
        /** Something answers that does not speak the Redis protocol, or answers with an error. */
        NOT_REDIS,
        /** The host is outside the networks instances may be on ({@link InstanceNetworks}): nothing was sent. */
        NETWORK_NOT_ALLOWED
    }

    private final Kind kind;

    public InstanceFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** A failure to connect or to talk to {@code endpoint}, sorted by its cause. */
    static InstanceFailure of(InstanceEndpoint endpoint, Throwable failure) {
        if (failure instanceof InstanceFailure sorted) {
            return sorted;
        }
        Throwable network = networkCause(failure);
        if (network != null) {
            return new InstanceFailure(Kind.UNREACHABLE, "Cannot connect to " + endpoint + ": " + describe(network)
                    + ".", failure);
        }
        return new InstanceFailure(Kind.NOT_REDIS, endpoint + " does not speak the Redis protocol ("
                + firstLine(String.valueOf(failure.getMessage())) + ").", failure);
    }

    /** An error reply: to a login, a refusal of it; to anything else, an instance that cannot be used. */
    static InstanceFailure refused(InstanceEndpoint endpoint, String reply, boolean toLogin) {
        String words = firstLine(reply);
        if (toLogin || words.startsWith("WRONGPASS") || words.startsWith("NOAUTH") || words.startsWith("NOPERM")) {
            return new InstanceFailure(Kind.AUTH_FAILED, "The instance at " + endpoint
                    + " refused the user name or password.", null);
        }
        return new InstanceFailure(Kind.NOT_REDIS, endpoint + " answered with an error: " + words, null);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
            return "no answer in time";
        }
        return "connection refused";
    }

    /** The network failure behind an error, among its causes and suppressed exceptions, if any. */
    private static Throwable networkCause(Throwable e) {
        if (e instanceof ConnectException || e instanceof SocketTimeoutException || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException || e instanceof TimeoutException) {
            return e;
        }
        for (Throwable suppressed : e.getSuppressed()) {
            Throwable found = networkCause(suppressed);
            if (found != null) {
                return found;
            }
        }
        return e.getCause() == null || e.getCause() == e ? null : networkCause(e.getCause());
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
