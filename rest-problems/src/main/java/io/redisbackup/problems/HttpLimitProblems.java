package io.redisbackup.problems;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A request whose body is over the size limit ({@code quarkus.http.limits.max-body-size}) is answered at once with a
 * problem document, as every other refusal, instead of the HTTP layer's empty 413.
 */
@ApplicationScoped
public class HttpLimitProblems {

    void install(@Observes Router router) {
        long limit = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10L * 1024 * 1024);
        router.route().order(-10_000).handler(context -> {
            String length = context.request().getHeader("Content-Length");
            if (length != null && tooLong(length, limit)) {
                answer(context, 413, "PAYLOAD_TOO_LARGE", "Payload too large",
                        "The request body is larger than this service takes (" + limit + " bytes).");
            } else {
                context.next();
            }
        });
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
                .put("instance", context.request().path()).put("code", code);
        // the body is not read: the connection closes once the answer is out
        context.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close").end(problem.encode())
                .onComplete(sent -> context.request().connection().close());
    }
}
