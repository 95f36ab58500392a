package io.redisbackup.backupstore.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisbackup.backupstore.keyindex.DamagedBackupException;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Ranged GETs of one object as plain HTTP requests to a presigned URL: what a keys recovery sends by the hundred.
 * Through the SDK, each GET cost its request pipeline (interceptors, endpoint and auth-scheme resolution, signing,
 * unmarshalling the response): half the worker's CPU in a 100-key recovery from S3. Here the URL is signed once per
 * object opened (again shortly before it expires) and each GET is one HTTP request on a kept-alive connection.
 * Retried as the SDK retries by default: 3 attempts in all when the server answers 5xx or 429 or the connection
 * fails, after a jittered exponential backoff from 100 ms; a 403 is retried with the URL signed again (temporary
 * credentials may have been renewed meanwhile).
 */
final class PresignedGets {

    /** How long a signed URL is good for. */
    static final Duration VALID_FOR = Duration.ofMinutes(30);
    /** How long before its expiry a URL is signed again: a GET that waits on the network does not outlive it. */
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    private static final int ATTEMPTS = 3;
    private static final long BASE_DELAY_MS = 100;
    /** The SDK's URL-connection client's own timeouts. */
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int READ_TIMEOUT_MS = 30_000;
    /** The most of an error's body read for its S3 error code. */
    private static final int ERROR_BODY_BYTES = 8 << 10;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]{1,100})</Code>");

    private final String name;
    private final Supplier<? extends PresignedRequest> signer;
    private final Clock clock;
    private PresignedRequest signed;

    /**
     * @param name   the object's name, for errors
     * @param signer a GET of the whole object, presigned for {@link #VALID_FOR}
     */
    PresignedGets(String name, Supplier<? extends PresignedRequest> signer, Clock clock) {
        this.name = name;
        this.signer = signer;
        this.clock = clock;
    }

    /**
     * Where a GET's bytes go as they arrive, in order; {@link #restart} before each attempt, so that a GET tried again
     * hands over its bytes from the first.
     */
    interface Receiver {
        void restart();

        /** The next {@code n} bytes of the range, {@code chunk[0..n)}. */
        void accept(byte[] chunk, int n);
    }

    /** Reads exactly {@code length} bytes at {@code position} into {@code dst}. */
    void read(long position, ByteBuffer dst, int length) throws IOException {
        int start = dst.position();
        read(position, length, new Receiver() {
            @Override
            public void restart() {
                dst.position(start);
            }

            @Override
            public void accept(byte[] chunk, int n) {
                dst.put(chunk, 0, n);
            }
        });
    }

    /** Reads exactly {@code length} bytes at {@code position}, handing them to {@code into} as they arrive. */
    void read(long position, int length, Receiver into) throws IOException {
        for (int attempt = 1; ; attempt++) {
            into.restart();
            try {
                get(position, length, into);
                return;
            } catch (Retryable e) {
                if (attempt == ATTEMPTS) {
                    throw new IOException("Reading " + name + " at " + position + " failed " + ATTEMPTS + " times: "
                            + e.getMessage(), e.getCause());
                }
                backOff(attempt);
            }
        }
    }

    private void get(long position, int length, Receiver into) throws IOException {
        PresignedRequest request = signed();
        HttpURLConnection http;
        int status;
        try {
            http = (HttpURLConnection) request.url().openConnection();
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setReadTimeout(READ_TIMEOUT_MS);
            http.setUseCaches(false);
            http.setInstanceFollowRedirects(false); // a redirect (another region) is an answer to report, not follow
            for (Map.Entry<String, List<String>> header : request.signedHeaders().entrySet()) {
                if (!header.getKey().equalsIgnoreCase("host")) { // the connection sends it
                    header.getValue().forEach(value -> http.addRequestProperty(header.getKey(), value));
                }
            }
            http.setRequestProperty("Range", "bytes=" + position + "-" + (position + length - 1));
            status = http.getResponseCode();
        } catch (InterruptedIOException e) {
            throw interruptedOr(e);
        } catch (IOException e) {
            throw new Retryable("the connection failed: " + e, e);
        }
        if (status != 206) {
            throw failure(http, status, position);
        }
        long last = position + length - 1;
        String range = http.getHeaderField("Content-Range");
        Matcher answered = CONTENT_RANGE.matcher(range == null ? "" : range);
        if (!answered.matches() || Long.parseLong(answered.group(1)) != position
                || Long.parseLong(answered.group(2)) > last) {
            drain(http);
            throw new IOException("Reading " + name + " at " + position + ": the server answered the range "
                    + range + ", not bytes " + position + "-" + last);
        }
        if (Long.parseLong(answered.group(2)) < last) {
            drain(http);
            throw new DamagedBackupException("The object " + name + " is cut short: it ends at byte "
                    + answered.group(2) + ", " + length + " bytes wanted at " + position);
        }
        try (InputStream in = http.getInputStream()) {
            byte[] chunk = new byte[Math.min(length, 1 << 16)];
            for (int done = 0; done < length; ) {
                int n = in.read(chunk, 0, Math.min(chunk.length, length - done));
                if (n < 0) {
                    throw new Retryable("the answer ended after " + done + " of " + length + " bytes", null);
                }
                into.accept(chunk, n);
                done += n;
            }
        } catch (InterruptedIOException e) {
            throw interruptedOr(e);
        } catch (Retryable e) {
            throw e;
        } catch (IOException e) {
            throw new Retryable("the answer broke off: " + e, e);
        }
    }

    /** A timeout is worth another attempt; an interrupt (the recovery gave up on this read) is not. */
    private static IOException interruptedOr(InterruptedIOException e) {
        return Thread.currentThread().isInterrupted() ? e : new Retryable("timed out: " + e.getMessage(), e);
    }

    /** What an answer other than 206 means: a reason, retried where the SDK would retry it. */
    private IOException failure(HttpURLConnection http, int status, long position) {
        String code = errorCode(http);
        String said = "HTTP " + status + (code.isEmpty() ? "" : " " + code);
        if (status >= 500 || status == 429) {
            return new Retryable(said, null);
        }
        if (status == 403) { // also what an expired URL, or expired temporary credentials, get: signed again
            synchronized (this) {
                signed = null;
            }
            return new Retryable(said, null);
        }
        if (status == 416) {
            return new DamagedBackupException("The object " + name + " is cut short: nothing at " + position);
        }
        if (status == 200) {
            return new IOException("Reading " + name + " at " + position + ": the server sent the whole object to "
                    + "a ranged GET; the backup store needs ranged reads");
        }
        return new IOException("Reading " + name + " at " + position + " failed: " + said);
    }

    /** The S3 error code in the answer's body (read and closed, so that the connection can be kept), or "". */
    private static String errorCode(HttpURLConnection http) {
        try (InputStream body = http.getErrorStream() != null ? http.getErrorStream() : http.getInputStream()) {
            if (body == null) {
                return "";
            }
            Matcher code = ERROR_CODE.matcher(new String(body.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8));
            return code.find() ? code.group(1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void drain(HttpURLConnection http) {
        try (InputStream in = http.getInputStream()) {
            in.skip(Long.MAX_VALUE);
        } catch (IOException ignored) {
            // the connection is dropped instead of kept
        }
    }

    /** The signed URL, signed again when it is about to expire. */
    private synchronized PresignedRequest signed() throws IOException {
        if (signed == null || !clock.instant().isBefore(signed.expiration().minus(RENEW_BEFORE))) {
            try {
                signed = signer.get();
            } catch (SdkException e) { // the credentials could not be had
                throw new IOException("Signing a GET of " + name + " failed: " + e.getMessage(), e);
            }
        }
        return signed;
    }

    private static void backOff(int attempt) throws InterruptedIOException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(BASE_DELAY_MS << (attempt - 1)) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to read again");
        }
    }

    /** A failure another attempt may not meet. */
    private static final class Retryable extends IOException {
        Retryable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
