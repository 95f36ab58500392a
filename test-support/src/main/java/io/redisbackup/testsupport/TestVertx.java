package io.redisbackup.testsupport;

import io.vertx.core.Vertx;

/**
 * One Vert.x for the tests of engines that run outside Quarkus and talk to instances through the instance client
 * (in a service, Quarkus's own Vert.x is injected). Made on first use, for the whole test JVM.
 */
public final class TestVertx {

    private static Vertx shared;

    private TestVertx() {
    }

    public static synchronized Vertx shared() {
        if (shared == null) {
            shared = Vertx.vertx();
        }
        return shared;
    }
}
