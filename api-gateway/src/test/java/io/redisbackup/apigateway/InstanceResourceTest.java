package io.redisbackup.apigateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.contracts.Topics;
import io.redisbackup.contracts.secret.SecretCipher;
import io.redisbackup.testsupport.RecordingListener;
import io.redisbackup.testsupport.RedisCluster;
import io.redisbackup.testsupport.RedisServer;
import io.redisbackup.testsupport.TopicClient;
import io.redisbackup.testsupport.UnboundSeals;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

@QuarkusTest
class InstanceResourceTest extends GatewayTest {

    @Inject
    SecretCipher cipher;

    @ConfigProperty(name = "quarkus.http.test-port")
    int ownPort;

    @Test
    void registersAReachableInstanceAndNeverShowsItsPassword() {
        String id = register(redis, "cache-eu-1");

        given().when().get("/api/v1/instances/" + id)
                .then().statusCode(200)
                .body("name", equalTo("cache-eu-1"))
                .body("port", equalTo(redis.port()))
                .body("redisVersion", equalTo("7.0.15"))
                .body("status", equalTo("Running"))
                .body("password", nullValue())
                .body(not(containsString(redis.password())));
        given().when().get("/api/v1/instances")
                .then().statusCode(200)
                .body("id", hasItem(id))
                .body(not(containsString(redis.password())));

        Instance stored = Instance.findById(UUID.fromString(id));
        assertFalse(stored.passwordSealed.contains(redis.password()));
        assertEquals(redis.password(), cipher.open(stored.sealedPassword(), stored.binding()));
    }

    @Inject
    InstanceService instances;

    @ConfigProperty(name = "gateway.secret-key")
    String secretKey;

    @Test
    void sealsAgainBoundThePasswordsSealedBeforeSealsWereBound() {
        String id = register(redis, "sealed-long-ago");
        QuarkusTransaction.requiringNew().run(() -> Instance.<Instance>findById(UUID.fromString(id)).passwordSealed =
                UnboundSeals.seal(secretKey, redis.password()));
        try (TopicClient kafka = new TopicClient()) {
            int before = kafka.readAll(Topics.BACKUP_POLICIES, id).size();

            assertTrue(instances.sealUnboundPasswords() >= 1);

            Instance stored = QuarkusTransaction.requiringNew().call(() -> Instance.findById(UUID.fromString(id)));
            assertFalse(SecretCipher.isUnbound(stored.sealedPassword()));
            assertEquals(redis.password(), cipher.open(stored.sealedPassword(), stored.binding()));
            List<String> policies = kafka.await(Topics.BACKUP_POLICIES, id, before + 1, java.time.Duration.ofSeconds(30));
            assertTrue(policies.get(policies.size() - 1).contains(stored.passwordSealed),
                    "the scheduler gets the bound seal");
            assertEquals(0, instances.sealUnboundPasswords(), "nothing is left to seal again");
        }
    }

    @Test
    void keepsStartingAndAsksForThePasswordAgainWhenAStoredOneCannotBeOpened() {
        String id = register(redis, "other-key");
        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        QuarkusTransaction.requiringNew().run(() -> Instance.<Instance>findById(UUID.fromString(id)).passwordSealed =
                UnboundSeals.seal(otherKey, redis.password()));

        instances.sealUnboundPasswords();

        given().contentType(ContentType.JSON)
                .body(Map.of("name", "other-key", "host", redis.host(), "port", redis.port()))
                .when().put("/api/v1/instances/" + id)
                .then().statusCode(409).body("code", equalTo("STORED_PASSWORD_UNREADABLE"));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "other-key", "host", redis.host(), "port", redis.port(), "password", redis.password()))
                .when().put("/api/v1/instances/" + id)
                .then().statusCode(200);
    }

    @Test
    void refusesAnInstanceThatCannotBeReached() throws Exception {
        int nothingThere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nothingThere = socket.getLocalPort();
        }
        registering(Map.of("name", "gone", "host", "127.0.0.1", "port", nothingThere, "password", "x"))
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("INSTANCE_UNREACHABLE"))
                .body("status", equalTo(422));
    }

    @Test
    void refusesAHostOutsideTheAllowedNetworksWithoutVisitingIt() throws Exception {
        // the test profile allows 127.0.0.1 only; 127.0.0.2 is this machine too, where a listener waits
        try (RecordingListener listener = new RecordingListener(java.net.InetAddress.getByName("127.0.0.2"))) {
            registering(Map.of("name", "elsewhere", "host", "127.0.0.2", "port", listener.port(), "password", "x"))
                    .then().statusCode(422)
                    .body("code", equalTo("NETWORK_NOT_ALLOWED"));
            assertEquals(0, listener.connections());
        }
    }

    @Test
    void refusesAWrongPassword() {
        registering(Map.of("name", "wrong", "host", redis.host(), "port", redis.port(), "password", "not-it"))
                .then().statusCode(422)
                .body("code", equalTo("INSTANCE_AUTH_FAILED"))
                .body(not(containsString("not-it")));
    }

    @Test
    void refusesAServerThatIsNotRedis() {
        registering(Map.of("name", "http", "host", "127.0.0.1", "port", ownPort, "password", "x"))
                .then().statusCode(422)
                .body("code", equalTo("NOT_A_REDIS_SERVER"));
    }

    @Test
    void refusesANodeOfAClusterWhoseBackupWouldHoldItsOwnSlotsOnly() {
        try (RedisCluster cluster = RedisCluster.start(3, 0)) {
            RedisServer node = cluster.nodes().get(1);
            registering(Map.of("name", "shard", "host", node.host(), "port", node.port(), "password", node.password()))
                    .then().statusCode(422)
                    .body("code", equalTo("INSTANCE_IS_CLUSTER_NODE"))
                    .body("detail", containsString("cluster_enabled:1"))
                    .body("detail", containsString("CLUSTER"));
        }
    }

    @Test
    void registersAClusterByItsNodesAndFindsItsShards() {
        try (RedisCluster cluster = RedisCluster.start(3, 1)) {
            RedisServer first = cluster.nodes().get(1);
            String other = "127.0.0.1:" + cluster.nodes().get(4).port();
            String id = registering(Map.of("name", "sessions", "kind", "CLUSTER", "host", first.host(),
                    "port", first.port(), "nodes", List.of(other), "source", "REPLICA_PREFERRED",
                    "password", cluster.password()))
                    .then().statusCode(201)
                    .body("kind", equalTo("CLUSTER"))
                    .body("shards", equalTo(3))
                    .body("source", equalTo("REPLICA_PREFERRED"))
                    .body("nodes", equalTo(List.of("127.0.0.1:" + first.port(), other)))
                    .body(not(containsString(cluster.password())))
                    .extract().path("id");

            // another seed list is another endpoint: the stored password does not go to it unasked
            given().contentType(ContentType.JSON).body(Map.of("name", "sessions", "host", first.host(),
                    "port", first.port(), "nodes", List.of("127.0.0.1:" + cluster.nodes().get(5).port())))
                    .when().put("/api/v1/instances/" + id)
                    .then().statusCode(400).body("code", equalTo("PASSWORD_REQUIRED"));
            // a change that leaves the seeds alone keeps the cluster as it is
            given().contentType(ContentType.JSON).body(Map.of("name", "sessions-eu", "host", first.host(),
                    "port", first.port()))
                    .when().put("/api/v1/instances/" + id)
                    .then().statusCode(200).body("kind", equalTo("CLUSTER")).body("name", equalTo("sessions-eu"))
                    .body("nodes", equalTo(List.of("127.0.0.1:" + first.port(), other)));

            registering(Map.of("name", "x", "kind", "CLUSTER", "host", first.host(), "port", first.port(),
                    "nodes", List.of("no-port-here"), "password", cluster.password()))
                    .then().statusCode(400).body("errors.field", hasItem("nodes[0]"));
        }
    }

    @Test
    void refusesAClusterOfASingleServer() {
        registering(Map.of("name", "lonely", "kind", "CLUSTER", "host", redis.host(), "port", redis.port(),
                "password", redis.password()))
                .then().statusCode(422)
                .body("detail", containsString("cluster_enabled:0"));
    }

    @Test
    void namesEveryInvalidFieldAtOnce() {
        registering(Map.of("name", " ", "port", 70000, "username", "u"))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_REQUEST"))
                .body("errors.field", hasItems("name", "host", "port", "password"))
                .body(not(containsString("java.")));
    }

    @Test
    void keepsTheSourcesLimitsUntilTheyAreChangedOrClearedAndRefusesTinyOnes() {
        String id = register(redis, "limited");
        given().when().get("/api/v1/instances/" + id).then().body("memoryLimitBytes", nullValue())
                .body("backupMaxBytesPerSecond", nullValue());
        Map<String, Object> change = new java.util.HashMap<>(Map.of("name", "limited", "host", redis.host(), "port",
                redis.port(), "memoryLimitBytes", 1L << 30, "backupMaxBytesPerSecond", 1L << 20));
        given().contentType(ContentType.JSON).body(change).when().put("/api/v1/instances/" + id)
                .then().statusCode(200).body("memoryLimitBytes", equalTo(1 << 30));
        // a change without them keeps them
        given().contentType(ContentType.JSON).body(Map.of("name", "renamed", "host", redis.host(), "port", redis.port()))
                .when().put("/api/v1/instances/" + id)
                .then().statusCode(200).body("memoryLimitBytes", equalTo(1 << 30))
                .body("backupMaxBytesPerSecond", equalTo(1 << 20));
        // 0 clears one
        change.put("memoryLimitBytes", 0);
        given().contentType(ContentType.JSON).body(change).when().put("/api/v1/instances/" + id)
                .then().statusCode(200).body("memoryLimitBytes", nullValue())
                .body("backupMaxBytesPerSecond", equalTo(1 << 20));
        // below 1 MiB (a second) or negative: refused, both named, nothing changed
        change.put("memoryLimitBytes", 1000);
        change.put("backupMaxBytesPerSecond", -1);
        given().contentType(ContentType.JSON).body(change).when().put("/api/v1/instances/" + id)
                .then().statusCode(400).body("errors.field", hasItems("memoryLimitBytes", "backupMaxBytesPerSecond"));
        change.put("backupMaxBytesPerSecond", 5);
        change.put("password", redis.password());
        registering(change).then().statusCode(400)
                .body("errors.field", hasItems("memoryLimitBytes", "backupMaxBytesPerSecond"));
        given().when().get("/api/v1/instances/" + id).then().body("name", equalTo("limited"))
                .body("backupMaxBytesPerSecond", equalTo(1 << 20));
    }

    @Test
    void refusesABodyThatIsNotJsonOrHasTheWrongTypes() {
        given().contentType(ContentType.JSON).body("{\"name\": ").when().post("/api/v1/instances")
                .then().statusCode(400).body("code", equalTo("INVALID_REQUEST")).body("errors.field", hasItem("body"));
        registering(Map.of("name", "n", "host", "h", "port", "six", "password", "p"))
                .then().statusCode(400).body("errors.field", hasItem("port"));
        given().contentType(ContentType.JSON).when().post("/api/v1/instances")
                .then().statusCode(400).body("code", equalTo("INVALID_REQUEST"));
    }

    @Test
    void answersUnknownIdsWithNotFound() {
        given().when().get("/api/v1/instances/" + UUID.randomUUID())
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("INSTANCE_NOT_FOUND"));
        given().when().get("/api/v1/instances/not-a-uuid").then().statusCode(404);
        given().when().delete("/api/v1/instances/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void changesAnInstanceAndKeepsThePasswordWhenNoneIsGiven() {
        String id = register(redis, "before");
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "after", "host", redis.host(), "port", redis.port()))
                .when().put("/api/v1/instances/" + id)
                .then().statusCode(200)
                .body("name", equalTo("after"));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "after", "host", redis.host(), "port", redis.port(), "password", "wrong"))
                .when().put("/api/v1/instances/" + id)
                .then().statusCode(422);
        given().when().get("/api/v1/instances/" + id).then().body("name", equalTo("after"));
    }

    @Test
    void sendsAStoredPasswordOnlyToTheEndpointItWasGivenFor() throws Exception {
        String id = register(redis, "repointed");
        try (RecordingListener listener = new RecordingListener()) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", "repointed", "host", "127.0.0.1", "port", listener.port()))
                    .when().put("/api/v1/instances/" + id)
                    .then().statusCode(400)
                    .body("code", equalTo("PASSWORD_REQUIRED"))
                    .body("errors.field", hasItem("password"));
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", "repointed", "host", redis.host(), "port", redis.port(), "tls", true))
                    .when().put("/api/v1/instances/" + id)
                    .then().statusCode(400).body("code", equalTo("PASSWORD_REQUIRED"));
            assertEquals(0, listener.connections(), "nothing reached the new endpoint");

            given().contentType(ContentType.JSON)
                    .body(Map.of("name", "repointed", "host", "127.0.0.1", "port", listener.port(),
                            "password", "the-new-one"))
                    .when().put("/api/v1/instances/" + id)
                    .then().statusCode(422);
            String received = listener.received();
            assertTrue(received.contains("the-new-one"), received);
            assertFalse(received.contains(redis.password()), "the stored password went to the new endpoint");
        }
        given().when().get("/api/v1/instances/" + id).then().body("port", equalTo(redis.port()));
    }

    @Test
    void refusesToRemoveAnInstanceWhileABackupIsUnderWay() {
        String id = register(redis, "busy");
        given().contentType(ContentType.JSON).when().post("/api/v1/instances/" + id + "/backups")
                .then().statusCode(202);
        given().when().delete("/api/v1/instances/" + id)
                .then().statusCode(409)
                .body("code", equalTo("INSTANCE_BUSY"));
    }

    @Test
    void saysSoWhenTheTaskCenterCannotBeAskedBeforeARemoval() {
        String id = register(redis, "idle");
        given().when().delete("/api/v1/instances/" + id)
                .then().statusCode(503)
                .body("code", equalTo("TASK_CENTER_UNAVAILABLE"));
    }

    private static io.restassured.response.Response registering(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/instances");
    }
}
