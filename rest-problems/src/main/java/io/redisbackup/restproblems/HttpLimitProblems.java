package io.redisbackup.restproblems;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A request over a size limit is answered at once with a problem document, as every other refusal, instead of the
 * HTTP layer's empty 413, 414 or 431: a body over {@code quarkus.http.limits.max-body-size}, a URI over 8 KiB,
 * headers over 20 KiB. The HTTP layer's own limits are set well above these (META-INF/microprofile-config.properties
 * of this module), so that requests reach this check.
 */
@ApplicationScoped
public class HttpLimitProblems {

    static final int MAX_URI = 8 * 1024;
    static final int MAX_HEADERS = 20 * 1024;

    void install(@Observes Router router) {
        long limit = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10L * 1024 * 1024);
        router.route().order(-10_000).handler(context -> {
            String length = context.request().getHeader("Content-Length");
            if (context.request().uri().length() > MAX_URI) {
                answer(context, 414, "URI_TOO_LONG", "URI too long",
                        "The request's URI is longer than this service takes (" + MAX_URI + " characters).");
            } else if (headerBytes(context) > MAX_HEADERS) {
                answer(context, 431, "HEADERS_TOO_LARGE", "Request headers too large",
                        "The request's headers are larger than this service takes (" + MAX_HEADERS + " bytes).");
            } else if (length != null && tooLong(length, limit)) {
                answer(context, 413, "PAYLOAD_TOO_LARGE", "Payload too large",
                        "The request body is larger than this service takes (" + limit + " bytes).");
            } else {
                context.next();
            }
        });
    }

    private static long headerBytes(RoutingContext context) {
        long bytes = 0;
        for (var header : context.request().headers()) {
            bytes += header.getKey().length() + header.getValue().length() + 4;
        }
        return bytes;
    }

    /** The path, as far as it is worth repeating. */
    private static String instance(String path) {
        return path == null ? "" : path.length() <= 200 ? path : path.substring(0, 200) + "...";
    }

    private static boolean tooLong(String length, long limit) {
        try {
            return Long.parseLong(length.strip()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP layer refuses it
        }
    }

    private static void answer(RoutingContext context, int status, String code, String title, String detail) {
        if (context.response().ended()) {
            return;
        }
        JsonObject problem = new JsonObject()
                .put("type", "urn:redis-backup:problem:" + code.toLowerCase().replace('_', '-'))
                .put("title", title).put("status", status).put("detail", detail)
                .put("instance", instance(context.request().path())).put("code", code);
        // the body is not read: the connection closes once the answer is out
        context.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close").end(problem.encode())
                .onComplete(sent -> context.request().connection().close());
    }
}
