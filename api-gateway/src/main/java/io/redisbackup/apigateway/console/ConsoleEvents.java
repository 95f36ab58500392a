package io.redisbackup.apigateway.console;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.contracts.InstanceStatusChanged;
import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.contracts.Topics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What the console's open pages hear about as it happens: a task's status, progress or end, an instance's status.
 * Every gateway reads the {@code task-status} and {@code instance-status} topics itself (one consumer for both, in a
 * group of its own, from the newest record on, nothing committed), so a page sees every change whichever gateway it
 * is connected to. A change says only which task or instance changed and its project; the page asks for what it
 * shows again, through the same services and rights as any request. While no page is open on this gateway, the
 * records are passed over unread: no JSON, no transaction, no query for a change nobody will be told of.
 */
@ApplicationScoped
public class ConsoleEvents {

    /** How often an open event stream gets a comment, so that proxies and browsers keep it open. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** Something a page may show changed: {@code kind} "task" or "instance", its id, its project (null: unknown). */
    public record Change(String kind, UUID id, String project) {
    }

    /** How long an instance's project is taken from memory (a task's events mostly come in quick runs). */
    private static final Duration PROJECT_KNOWN_FOR = Duration.ofSeconds(10);
    private static final int MAX_KNOWN = 10_000;
    static final int BUFFERED = 1024;

    private record Known(String project, long until) {
    }

    private final BroadcastProcessor<Change> changes = BroadcastProcessor.create();
    private final Map<UUID, Known> projects = new ConcurrentHashMap<>();
    /** The streams open on this gateway. */
    private final AtomicInteger listeners = new AtomicInteger();
    private final InstanceService instances;

    public ConsoleEvents(InstanceService instances) {
        this.instances = instances;
    }

    /** A record of either topic: told to the open pages, if there are any. */
    @Incoming("console-changes")
    @Blocking
    public void changed(ConsumerRecord<String, String> record) {
        if (listeners.get() == 0 || record.value() == null) {
            return;
        }
        if (Topics.INSTANCE_STATUS.equals(record.topic())) {
            QuarkusTransaction.joiningExisting().run(() -> instanceChanged(record.value()));
        } else {
            QuarkusTransaction.joiningExisting().run(() -> taskChanged(record.value()));
        }
    }

    /** Whether a page is open on this gateway: whether the changes are read. */
    public boolean listened() {
        return listeners.get() > 0;
    }

    /** A task's events: the workers' do not name the project, the instance's is taken then. */
    private void taskChanged(String payload) {
        TaskStatusChanged event = MessageCodec.fromJson(payload, TaskStatusChanged.class);
        String project = event.project() != null ? event.project() : projectOf(event.instanceId());
        changes.onNext(new Change("task", event.taskId(), project));
        if (event.instanceId() != null) {
            changes.onNext(new Change("instance", event.instanceId(), project));
        }
    }

    /**
     * An instance's status: applied here too before the pages hear of it (applying it again changes nothing), so
     * that a page that asks at once is shown the new status, whichever gateway's consumer got there first.
     */
    private void instanceChanged(String payload) {
        InstanceStatusChanged event = MessageCodec.fromJson(payload, InstanceStatusChanged.class);
        instances.apply(event);
        String project = projectOf(event.instanceId());
        if (project != null) {
            changes.onNext(new Change("instance", event.instanceId(), project));
        }
    }

    /** The instance's project (null for none, or an instance removed), from memory when it was read moments ago. */
    private String projectOf(UUID instanceId) {
        if (instanceId == null) {
            return null;
        }
        long now = System.nanoTime();
        Known known = projects.get(instanceId);
        if (known != null && known.until() - now > 0) {
            return known.project();
        }
        Instance instance = Instance.findById(instanceId);
        if (projects.size() >= MAX_KNOWN) {
            projects.clear();
        }
        String project = instance == null ? null : instance.project;
        projects.put(instanceId, new Known(project, now + PROJECT_KNOWN_FOR.toNanos()));
        return project;
    }

    /**
     * The changes from now on in these projects ({@code "*"}: all); a change of unknown project is not shown. A
     * reader that falls {@value #BUFFERED} changes behind has its stream ended (the browser opens a new one).
     */
    public Multi<Change> of(Set<String> projects) {
        boolean all = projects.contains("*");
        return changes.filter(change -> change.project() != null && (all || projects.contains(change.project())))
                .onOverflow().buffer(BUFFERED)
                .onSubscription().invoke(listeners::incrementAndGet)
                .onTermination().invoke(listeners::decrementAndGet);
    }
}
