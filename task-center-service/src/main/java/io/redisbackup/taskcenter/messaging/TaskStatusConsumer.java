package io.redisbackup.taskcenter.messaging;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.redisbackup.contracts.MessageCodec;
import io.redisbackup.contracts.TaskStatusChanged;
import io.redisbackup.taskcenter.service.TaskRecorder;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/** Where task status events come in; unreadable ones go to the dead-letter topic. */
@ApplicationScoped
public class TaskStatusConsumer {

    private final TaskRecorder recorder;

    public TaskStatusConsumer(TaskRecorder recorder) {
        this.recorder = recorder;
    }

    @Incoming("task-status")
    @Blocking
    public void consume(String payload) {
        recorder.apply(MessageCodec.fromJson(payload, TaskStatusChanged.class));
    }
}
